/**
 * The department master (issue 18, docs/decisions/0025): an admin adds, renames, merges, retires and reinstates
 * departments; every form takes a department from the master only; a name merged away means its target everywhere,
 * the import included; every change is audited and refused when the page that asked for it was stale.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, departments, incidents, users } from "../db/schema";
import { AppError } from "~/modules/errors";
import type { Actor } from "~/modules/auth/audit.server";
import { createUser, getUser, updateUser } from "~/modules/auth/users.server";
import { userFieldsSchema } from "~/modules/auth/schema";
import {
  addDepartment, departmentOverview, mergeDepartment, reinstateDepartment, renameDepartment, retireDepartment,
} from "~/modules/departments/admin.server";
import { departmentByName, departmentOptions, listDepartments } from "~/modules/departments/lookup.server";
import { departmentActionSchema } from "~/modules/departments/schema";
import { importFile } from "~/modules/import/commit.server";
import { createIncident, fingerprintOf, updateIncident, ValidationFailed } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor: Actor = { userId: null, name: "admin@test", ip: "127.0.0.1" };

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected an AppError");
}
async function asyncErrorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected an AppError");
}

const row = (db: Db, id: number) => db.select().from(departments).where(eq(departments.id, id)).get()!;
const departmentOf = (db: Db, incidentId: number) => db.select({ d: incidents.departmentId }).from(incidents).where(eq(incidents.id, incidentId)).get()!.d;
const entries = (db: Db, action: string) =>
  db.select().from(auditLog).where(eq(auditLog.action, action)).all().map((e) => ({ ...e, detail: JSON.parse(e.detail ?? "null") as Record<string, unknown> }));
const storedFingerprint = (db: Db, id: number) => db.select({ f: incidents.fingerprint }).from(incidents).where(eq(incidents.id, id)).get()!.f;
const expectedFingerprint = (db: Db, id: number) => fingerprintOf(toInput(getIncident(db, id)!));

/** A user row written directly (no password hashing), in a department. */
function insertUser(db: Db, email: string, departmentId: number | null, role: "hr" | "supervisor" = "supervisor", disabled = false): number {
  return db
    .insert(users)
    .values({ email, displayName: null, role, departmentId, passwordHash: "x", disabledAt: disabled ? "2026-01-01T00:00:00Z" : null })
    .returning({ id: users.id })
    .get().id;
}

/** The reported case: 東京本店 and the typo 東京本点, each with incidents, the typo with a supervisor. */
function typoCase(db: Db) {
  const honten = addDepartment(db, "東京本店", actor);
  const typo = addDepartment(db, "東京本点", actor);
  const inHonten = createIncident(db, incidentInput({ department: "東京本店", summary: "本店の件" }), { today: TODAY });
  const inTypo = [
    createIncident(db, incidentInput({ department: "東京本点", summary: "書き間違いの件 1" }), { today: TODAY }),
    createIncident(db, incidentInput({ department: "東京本点", summary: "書き間違いの件 2", occurred_at: "2025-04-01T09:00:00+09:00" }), { today: TODAY }),
  ];
  const supervisor = insertUser(db, "sup@test", typo);
  return { honten, typo, inHonten, inTypo, supervisor };
}

describe("adding a department", () => {
  it("adds it to the master with an audit entry, and refuses a name another department has, however it is typed", () => {
    const db = memoryDb();
    const id = addDepartment(db, "東京本店", actor);
    expect(row(db, id)).toMatchObject({ name: "東京本店", normalizedName: "東京本店", retiredAt: null, mergedIntoId: null, version: 1 });
    expect(entries(db, "department.created")).toMatchObject([{ targetType: "department", targetId: String(id), detail: { id, name: "東京本店" } }]);
    const taken = errorOf(() => addDepartment(db, " 東京本店　", actor));
    expect(taken.fieldErrors.name).toEqual({ key: "departments.errors.nameTaken", params: { name: "東京本店" } });
    expect(db.select().from(departments).all()).toHaveLength(1);
  });

  it("reads the form's name as one line, trimmed, required", () => {
    expect(departmentActionSchema.parse({ intent: "create", name: "  大阪支店 " })).toEqual({ intent: "create", name: "大阪支店" });
    expect(departmentActionSchema.safeParse({ intent: "create", name: "  " }).success).toBe(false);
    expect(departmentActionSchema.safeParse({ intent: "create", name: "大阪\t支店" }).success).toBe(false);
    expect(departmentActionSchema.safeParse({ intent: "rename", id: "1e3", version: "1", name: "x" }).success).toBe(false);
    expect(departmentActionSchema.safeParse({ intent: "merge", id: "1", version: "1", into: "" }).error?.issues[0].message).toContain("mergeTargetRequired");
  });
});

describe("renaming", () => {
  it("moves the normalised key with the name, recomputes its incidents' duplicate keys and is audited", () => {
    const db = memoryDb();
    const { typo, inTypo } = typoCase(db);
    const before = storedFingerprint(db, inTypo[0]);
    expect(renameDepartment(db, typo, 1, "新宿店", actor)).toEqual({ changed: true, incidents: 2 });
    expect(row(db, typo)).toMatchObject({ name: "新宿店", normalizedName: "新宿店", version: 2 });
    expect(departmentByName(db, "東京本点")).toBeNull();
    expect(departmentByName(db, "新宿店")?.id).toBe(typo);
    expect(getIncident(db, inTypo[0])!.department).toBe("新宿店");
    expect(storedFingerprint(db, inTypo[0])).not.toBe(before);
    expect(storedFingerprint(db, inTypo[0])).toBe(expectedFingerprint(db, inTypo[0]));
    expect(entries(db, "department.renamed")).toMatchObject([{ targetId: String(typo), detail: { id: typo, from: "東京本点", to: "新宿店", fingerprints: 2 } }]);
  });

  it("refuses a name another department has, with a message beside the field, and changes nothing", () => {
    const db = memoryDb();
    const { typo } = typoCase(db);
    const err = errorOf(() => renameDepartment(db, typo, 1, "　東京本店 ", actor));
    expect(err.fieldErrors.name).toEqual({ key: "departments.errors.nameTaken", params: { name: "東京本店" } });
    expect(row(db, typo)).toMatchObject({ name: "東京本点", version: 1 });
    expect(entries(db, "department.renamed")).toHaveLength(0);
  });

  it("refuses a page that is out of date: someone else changed the department since it was shown", () => {
    const db = memoryDb();
    const { typo } = typoCase(db);
    renameDepartment(db, typo, 1, "東京本店(仮)", actor);
    const err = errorOf(() => renameDepartment(db, typo, 1, "新宿店", actor));
    expect(err.status).toBe(409);
    expect(err.userMessage).toBe("departments.errors.stale");
    expect(row(db, typo).name).toBe("東京本店(仮)");
  });
});

describe("merging", () => {
  it("moves the incidents and users to the target in one transaction, keeps the row, and records from, to and counts", () => {
    const db = memoryDb();
    const { honten, typo, inTypo, supervisor } = typoCase(db);
    expect(mergeDepartment(db, typo, 1, honten, actor)).toEqual({ incidents: 2, users: 1 });
    for (const id of inTypo) {
      expect(departmentOf(db, id)).toBe(honten);
      // The duplicate key now holds the target's name, as an incident recorded there would.
      expect(storedFingerprint(db, id)).toBe(expectedFingerprint(db, id));
    }
    expect(db.select({ d: users.departmentId }).from(users).where(eq(users.id, supervisor)).get()!.d).toBe(honten);
    // The old row stays, named as it was, for old audit entries and issued reports; it is no longer listed.
    expect(row(db, typo)).toMatchObject({ name: "東京本点", mergedIntoId: honten, version: 2 });
    expect(listDepartments(db).map((d) => d.name)).toEqual(["東京本店"]);
    expect(departmentOverview(db).find((d) => d.id === typo)).toMatchObject({ mergedIntoName: "東京本店", incidents: 0, users: 0 });
    expect(entries(db, "department.merged")).toMatchObject([
      { targetType: "department", targetId: String(typo), detail: { from: typo, to: honten, fromName: "東京本点", toName: "東京本店", incidents: 2, users: 1 } },
    ]);
  });

  it("moves nothing when any step fails: the incidents, users and the department row go together or not at all", () => {
    const db = memoryDb();
    const { honten, typo, inTypo, supervisor } = typoCase(db);
    // The users' move is the step after the incidents'.
    db.$client.exec("create temp trigger refuse_user_move before update of department_id on users begin select raise(abort, 'refused'); end");
    expect(() => mergeDepartment(db, typo, 1, honten, actor)).toThrow("refused");
    for (const id of inTypo) expect(departmentOf(db, id)).toBe(typo);
    expect(db.select({ d: users.departmentId }).from(users).where(eq(users.id, supervisor)).get()!.d).toBe(typo);
    expect(row(db, typo)).toMatchObject({ mergedIntoId: null, version: 1 });
    expect(entries(db, "department.merged")).toHaveLength(0);
  });

  it("refuses what cannot be: into itself, into a retired or merged one, a merged one again, a stale page", () => {
    const db = memoryDb();
    const { honten, typo } = typoCase(db);
    const closed = addDepartment(db, "閉店した店", actor);
    retireDepartment(db, closed, 1, actor);
    expect(errorOf(() => mergeDepartment(db, typo, 1, typo, actor)).userMessage).toBe("departments.errors.mergeSelf");
    expect(errorOf(() => mergeDepartment(db, typo, 1, closed, actor)).userMessage).toBe("departments.errors.mergeTargetInactive");
    expect(errorOf(() => mergeDepartment(db, typo, 1, 9999, actor)).userMessage).toBe("departments.errors.mergeTargetMissing");
    expect(errorOf(() => mergeDepartment(db, typo, 7, honten, actor)).userMessage).toBe("departments.errors.stale");
    mergeDepartment(db, typo, 1, honten, actor);
    expect(errorOf(() => mergeDepartment(db, typo, 2, honten, actor)).userMessage).toBe("departments.errors.merged");
    const other = addDepartment(db, "大阪支店", actor);
    expect(errorOf(() => mergeDepartment(db, other, 1, typo, actor))).toMatchObject({ userMessage: "departments.errors.mergeTargetInactive", params: { name: "東京本点" } });
    expect(errorOf(() => renameDepartment(db, typo, 2, "別名", actor)).userMessage).toBe("departments.errors.merged");
  });

  it("keeps merges one step deep: a department merged earlier follows its target's merge", () => {
    const db = memoryDb();
    const a = addDepartment(db, "A店", actor);
    const b = addDepartment(db, "B店", actor);
    const c = addDepartment(db, "C店", actor);
    mergeDepartment(db, a, 1, b, actor);
    mergeDepartment(db, b, 1, c, actor);
    expect(row(db, a).mergedIntoId).toBe(c);
    expect(departmentByName(db, "A店")?.id).toBe(c);
  });

  it("resolves a merged name to its target wherever a name is typed: an incident, a user, a new department's name", async () => {
    const db = memoryDb();
    const { honten, typo } = typoCase(db);
    mergeDepartment(db, typo, 1, honten, actor);
    const fromForm = createIncident(db, incidentInput({ department: "東京本点" }), { today: TODAY, departments: "listed" });
    const fromImport = createIncident(db, incidentInput({ department: "東京本点", summary: "別件" }), { today: TODAY });
    for (const id of [fromForm, fromImport]) {
      expect(departmentOf(db, id)).toBe(honten);
      expect(getIncident(db, id)!.department).toBe("東京本店");
      expect(storedFingerprint(db, id)).toBe(expectedFingerprint(db, id));
    }
    const { id: user } = await createUser(db, { email: "s@test", displayName: null, role: "supervisor", department: "東京本点" }, actor, { password: "p" });
    expect(getUser(db, user)).toMatchObject({ departmentId: honten, department: "東京本店" });
    expect(db.select().from(departments).all()).toHaveLength(2);
    expect(errorOf(() => addDepartment(db, "東京本点", actor)).fieldErrors.name).toEqual({
      key: "departments.errors.nameMerged", params: { name: "東京本点", target: "東京本店" },
    });
  });
});

describe("retiring and reinstating", () => {
  it("stops offering a retired department for new entries, keeps it in filters marked, and reinstates it", () => {
    const db = memoryDb();
    const { honten, typo, supervisor } = typoCase(db);
    // A disabled account does not hold the department back; an active one does (below).
    db.update(users).set({ disabledAt: "2026-01-01T00:00:00Z" }).where(eq(users.id, supervisor)).run();
    retireDepartment(db, typo, 1, actor, "2026-11-21T01:00:00.000Z");
    expect(row(db, typo)).toMatchObject({ retiredAt: "2026-11-21T01:00:00.000Z", version: 2 });
    expect(listDepartments(db)).toEqual([
      { id: honten, name: "東京本店", retired: false },
      { id: typo, name: "東京本点", retired: true },
    ]);
    expect(departmentOptions(db).map((d) => d.name)).toEqual(["東京本店"]);
    // The record's own retired department stays offered, so that saving another field needs no change.
    expect(departmentOptions(db, typo).map((d) => d.name)).toEqual(["東京本店", "東京本点"]);
    expect(entries(db, "department.retired")).toMatchObject([{ targetId: String(typo), detail: { id: typo, name: "東京本点" } }]);

    reinstateDepartment(db, typo, 2, actor);
    expect(row(db, typo)).toMatchObject({ retiredAt: null, version: 3 });
    expect(departmentOptions(db).map((d) => d.name)).toEqual(["東京本店", "東京本点"]);
    expect(entries(db, "department.reinstated")).toHaveLength(1);
  });

  it("refuses to retire a department active users belong to, to retire twice, to reinstate an active one, and a stale page", () => {
    const db = memoryDb();
    const { typo, honten } = typoCase(db);
    expect(errorOf(() => retireDepartment(db, typo, 1, actor))).toMatchObject({ status: 409, userMessage: "departments.errors.hasActiveUsers", params: { name: "東京本点", n: 1 } });
    expect(errorOf(() => reinstateDepartment(db, honten, 1, actor)).userMessage).toBe("departments.errors.notRetired");
    retireDepartment(db, honten, 1, actor);
    expect(errorOf(() => retireDepartment(db, honten, 2, actor)).userMessage).toBe("departments.errors.alreadyRetired");
    expect(errorOf(() => reinstateDepartment(db, honten, 1, actor)).userMessage).toBe("departments.errors.stale");
    expect(row(db, typo).retiredAt).toBeNull();
  });

  it("lets the web form keep an incident's own retired department but not choose one; an import may still file history there", () => {
    const db = memoryDb();
    const { honten, inHonten } = typoCase(db);
    const closed = addDepartment(db, "閉店した店", actor);
    const old = createIncident(db, incidentInput({ department: "閉店した店" }), { today: TODAY });
    retireDepartment(db, closed, 1, actor);
    const listed = { today: TODAY, departments: "listed" as const };
    // The edit of the incident filed there saves.
    const before = toInput(getIncident(db, old)!);
    expect(updateIncident(db, old, { ...before, summary: "追記" }, before, listed)).toEqual(["summary"]);
    // Another incident cannot be moved there, nor a new one filed there.
    const other = toInput(getIncident(db, inHonten)!);
    const moved = errorOf(() => updateIncident(db, inHonten, { ...other, department: "閉店した店" }, other, listed));
    expect(moved).toBeInstanceOf(ValidationFailed);
    expect(moved.fieldErrors.department).toEqual({ key: "error.departmentRetired", params: { name: "閉店した店" } });
    expect(departmentOf(db, inHonten)).toBe(honten);
    expect(() => createIncident(db, incidentInput({ department: "閉店した店" }), listed)).toThrow(ValidationFailed);
    // History (the importer, the demo data) may still be filed in a retired department.
    expect(departmentOf(db, createIncident(db, incidentInput({ department: "閉店した店", summary: "古い台帳" }), { today: TODAY }))).toBe(closed);
  });
});

describe("chosen from the list, never created by a typo", () => {
  it("refuses a department name the master does not have on the incident form, and creates nothing", () => {
    const db = memoryDb();
    typoCase(db);
    const err = errorOf(() => createIncident(db, incidentInput({ department: "東京本てん" }), { today: TODAY, departments: "listed" }));
    expect(err).toBeInstanceOf(ValidationFailed);
    expect(err.fieldErrors.department).toEqual({ key: "error.departmentNotListed" });
    expect(db.select().from(departments).all()).toHaveLength(2);
  });

  it("refuses a typo'd department on the user admin forms beside the field, creates nothing, and keeps a user's retired one", async () => {
    const db = memoryDb();
    const { honten, typo } = typoCase(db);
    const fields = userFieldsSchema.parse({ email: "new@example.jp", displayName: "", role: "supervisor", department: "東京本てん" });
    const err = await asyncErrorOf(createUser(db, fields, actor, { password: "p" }));
    expect(err.status).toBe(422);
    expect(err.fieldErrors.department).toEqual({ key: "error.departmentNotListed" });
    expect(db.select().from(users).where(eq(users.email, "new@example.jp")).all()).toHaveLength(0);
    expect(db.select().from(departments).all()).toHaveLength(2);
    expect(entries(db, "user.created")).toHaveLength(0);

    // A user of a department retired since keeps it when another field is saved; moving someone there is refused.
    const keeper = insertUser(db, "keeper@test", honten, "supervisor", true);
    retireDepartment(db, honten, 1, actor);
    expect(updateUser(db, keeper, { fields: { email: "keeper@test", displayName: "新しい名前", role: "supervisor", department: "東京本店" }, disabled: true }, actor)).toEqual(["displayName"]);
    const other = insertUser(db, "other@test", typo);
    const refused = errorOf(() => updateUser(db, other, { fields: { email: "other@test", displayName: null, role: "supervisor", department: "東京本店" }, disabled: false }, actor));
    expect(refused.fieldErrors.department).toEqual({ key: "error.departmentRetired", params: { name: "東京本店" } });
    expect(getUser(db, other)!.departmentId).toBe(typo);
  });
});

describe("importing old ledgers (docs/decisions/0025)", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "departments-test-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const csv = (name: string, rows: string[]) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `\uFEFFoccurred_at,department,channel,behaviours,client,summary\r\n${rows.join("\r\n")}\r\n`);
    return file;
  };
  const run = (db: Db, file: string, dryRun = false) => importFile(db, file, { today: TODAY, errorFilePath: null, dryRun });

  it("lists the department names the master does not have before anything is stored, and adds them when stored", async () => {
    const db = memoryDb();
    typoCase(db);
    const file = csv("new-names.csv", [
      "2025-06-01 10:00,東京本店,C2,MA05,,既存の部署",
      "2025-06-02 10:00,大阪支店,C2,MA05,,新しい部署",
      "2025-06-03 10:00,　大阪支店 ,C2,MA05,,同じ部署の別の書き方",
      "2025-06-04 10:00,名古屋支店,C2,MA05,,もう一つ",
    ]);
    const checked = await run(db, file, true);
    expect(checked.newDepartments).toEqual({ names: ["名古屋支店", "大阪支店"], count: 2 });
    expect(db.select().from(departments).all()).toHaveLength(2);
    const stored = await run(db, file);
    expect(stored.committed).toBe(true);
    expect(stored.newDepartments).toEqual({ names: ["名古屋支店", "大阪支店"], count: 2 });
    expect(listDepartments(db).map((d) => d.name).sort()).toEqual(["名古屋支店", "大阪支店", "東京本店", "東京本点"].sort());
  });

  it("files a merged department's name under its target, and finds the ledger's rows already stored after the merge", async () => {
    const db = memoryDb();
    const honten = addDepartment(db, "東京本店", actor);
    // The old ledger, imported while 東京本点 was a department of its own.
    const ledger = csv("ledger.csv", ["2025-04-10 10:00,東京本点,C2,MA05,ABC商事,長時間の電話", "2025-04-11 11:00,東京本店,C1,MA05,,来店"]);
    expect((await run(db, ledger)).imported).toBe(2);
    const typo = departmentByName(db, "東京本点")!.id;
    mergeDepartment(db, typo, 1, honten, actor);

    // The same ledger again: both rows are the incidents already stored, nothing new, and no department comes back.
    const again = await run(db, ledger, true);
    expect(again.valid).toMatchObject({ imported: 0, duplicates: 2 });
    expect(again.newDepartments.count).toBe(0);
    // A new row in the merged name goes to the target, as the target's name.
    const more = await run(db, csv("more.csv", ["2025-07-01 10:00,東京本点,C2,MA05,,新しい件"]));
    expect(more.imported).toBe(1);
    const added = db.select({ id: incidents.id }).from(incidents).all().map((r) => getIncident(db, r.id)!).find((i) => i.summary === "新しい件")!;
    expect(added).toMatchObject({ departmentId: honten, department: "東京本店" });
    expect(db.select().from(departments).all()).toHaveLength(2);
  });
});
