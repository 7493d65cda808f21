/**
 * Client and department names are one when full Unicode case folding makes them one (domain.md, issue 17): the key
 * of new names, and the data fix that brings the keys of an existing database up to it.
 */
import { describe, expect, it } from "vitest";
import { applyDataFixes, DATA_FIXES } from "../db/data-fixes.server";
import { normalizeName } from "~/modules/incidents/normalize";
import { createIncident, fingerprintOf } from "~/modules/incidents/mutations.server";
import { getIncident } from "~/modules/incidents/queries.server";
import { incidentInput, memoryDb } from "./helpers";

describe("normalizeName", () => {
  it.each([
    ["Straße", "STRASSE"],
    ["ΣΊΣΥΦΟΣ", "σίσυφος"],
    ["ＡＢＣ商事", "abc商事"],
    ["  Müller   GmbH ", "MÜLLER GMBH"],
    ["ﬁrma", "FIRMA"],
  ])("gives %s and %s the same key", (a, b) => {
    expect(normalizeName(a)).toBe(normalizeName(b));
  });

  it("keeps different names apart", () => {
    expect(normalizeName("Strasse 1")).not.toBe(normalizeName("Strasse 2"));
    expect(normalizeName("株式会社サンプル")).not.toBe(normalizeName("株式会社サンプル2"));
  });
});

describe("recording incidents", () => {
  it("files Straße and STRASSE under one client", () => {
    const db = memoryDb();
    const a = createIncident(db, incidentInput({ client: "Straße Handel", summary: "一件目" }));
    const b = createIncident(db, incidentInput({ client: "STRASSE HANDEL", summary: "二件目" }));
    expect(getIncident(db, a)!.client).toBe("Straße Handel");
    expect(getIncident(db, b)!.client).toBe("Straße Handel");
    expect(db.$client.prepare("select count(*) from clients").pluck().get()).toBe(1);
  });
});

describe("the data fix of existing keys", () => {
  /** A database as it was before the fix: keys made with toLowerCase, two clients and two departments for one name each. */
  function before() {
    const db = memoryDb();
    const sqlite = db.$client;
    sqlite.prepare("delete from data_fixes").run();
    const client = sqlite.prepare("insert into clients (name, normalized_name) values (?, ?)");
    const straße = Number(client.run("Straße Handel", "straße handel").lastInsertRowid);
    const strasse = Number(client.run("STRASSE HANDEL", "strasse handel").lastInsertRowid);
    const plain = Number(client.run("ABC商事", "abc商事").lastInsertRowid);
    const dept = sqlite.prepare("insert into departments (name, normalized_name) values (?, ?)");
    const d1 = Number(dept.run("Σ課", "σ課").lastInsertRowid);
    const d2 = Number(dept.run("ς課", "ς課").lastInsertRowid);
    sqlite
      .prepare("insert into users (email, role, department_id, password_hash) values ('s@example.com', 'supervisor', ?, 'x')")
      .run(d2);
    // Incidents recorded as the app does, then pointed at the rows of before, with their old duplicate keys.
    const incident = (clientId: number, departmentId: number, summary: string) => {
      const id = createIncident(db, incidentInput({ summary }));
      sqlite.prepare("update incidents set client_id = ?, department_id = ?, fingerprint = 'stale' where id = ?").run(clientId, departmentId, id);
      return id;
    };
    const ids = [incident(straße, d1, "Straße の件"), incident(strasse, d2, "普通の件"), incident(plain, d1, "普通の件")];
    return { db, sqlite, straße, strasse, plain, d1, d2, ids };
  }

  it("merges the clients and departments that now share a key into the oldest, moving incidents and users", () => {
    const { db, sqlite, straße, strasse, plain, d1, d2, ids } = before();
    expect(applyDataFixes(sqlite)).toEqual(DATA_FIXES.map((f) => f.name));
    expect(sqlite.prepare("select id, normalized_name from clients order by id").raw().all()).toEqual([
      [straße, "strasse handel"],
      [plain, "abc商事"],
    ]);
    expect(sqlite.prepare("select id, normalized_name from departments where id in (?, ?)").raw().all(d1, d2)).toEqual([[d1, "σ課"]]);
    expect(sqlite.prepare("select client_id from incidents where id = ?").pluck().get(ids[1])).toBe(straße);
    expect(sqlite.prepare("select department_id from incidents where id = ?").pluck().get(ids[1])).toBe(d1);
    expect(sqlite.prepare("select department_id from users").pluck().get()).toBe(d1);
    expect(sqlite.prepare("select count(*) from clients where id = ?").pluck().get(strasse)).toBe(0);
    expect(sqlite.prepare("select count(*) from departments where id = ?").pluck().get(d2)).toBe(0);
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    // The incidents whose duplicate key used a name or summary that folds differently get it again; the others keep theirs.
    const fp = (id: number) => sqlite.prepare("select fingerprint from incidents where id = ?").pluck().get(id);
    const i0 = getIncident(db, ids[0])!;
    expect(fp(ids[0])).toBe(fingerprintOf({ ...i0, client: "STRASSE HANDEL", department: "Σ課" }));
    expect(fp(ids[2])).toBe("stale");
  });

  it("runs once: a second opening changes nothing", () => {
    const { sqlite } = before();
    applyDataFixes(sqlite);
    sqlite.prepare("update clients set normalized_name = 'x' where name = 'ABC商事'").run();
    expect(applyDataFixes(sqlite)).toEqual([]);
    expect(sqlite.prepare("select normalized_name from clients where name = 'ABC商事'").pluck().get()).toBe("x");
  });

  it("leaves nothing half done when a fix fails", () => {
    const { sqlite } = before();
    const failing = [{ name: "boom", apply: (s: typeof sqlite) => { s.prepare("update clients set normalized_name = 'changed' where id = (select min(id) from clients)").run(); throw new Error("boom"); } }];
    expect(() => applyDataFixes(sqlite, failing)).toThrow("boom");
    expect(sqlite.prepare("select count(*) from clients where normalized_name = 'changed'").pluck().get()).toBe(0);
    expect(sqlite.prepare("select count(*) from clients").pluck().get()).toBeGreaterThan(1);
    expect(sqlite.prepare("select count(*) from data_fixes where name = 'boom'").pluck().get()).toBe(0);
  });
});
