/**
 * The app's own incident export (docs/spec/csv-import.md, "The app's own export"): in UTF-8 and in Shift_JIS it
 * re-imports through the importer into an empty database as the same incidents, field for field; admin and HR only;
 * audited. No date here depends on today: imports are judged against TODAY.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { asc, eq } from "drizzle-orm";
import { auditLog, incidents } from "../db/schema";
import type { Db } from "~/modules/db.server";
import { createUser } from "~/modules/auth/users.server";
import { createSession } from "~/modules/auth/session.server";
import type { Role } from "~/modules/auth/permissions";
import { csvStreamResponse, type CsvEncoding } from "~/modules/csv-download.server";
import { importFile } from "~/modules/import/commit.server";
import { canonicalHeader } from "~/modules/import/columns";
import { EXPORT_HEADERS, exportCells, incidentExport } from "~/modules/incidents/export.server";
import { emptyFilters, parseListQuery } from "~/modules/incidents/filters";
import { createIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { INCIDENT_FIELDS, type IncidentInput } from "~/modules/incidents/schema";
import { listIncidents } from "~/modules/incidents/queries.server";
import { XLSX_CONTENT_TYPE } from "~/modules/xlsx-download.server";
import ExcelJS from "exceljs";
import { CODE_SETS, type CodeDef, type CodedField } from "~/modules/incidents/taxonomy";
import { incidentInput, memoryDb, TODAY } from "./helpers";

// The route reaches the database through getDb(): here, the test's own.
const shared = vi.hoisted(() => ({ db: null as unknown }));
vi.mock("~/modules/db.server", async (original) => ({ ...(await original<object>()), getDb: () => shared.db }));
const { loader } = await import("~/routes/_app.incidents_.export[.]csv");
const { loader: xlsxLoader } = await import("~/routes/_app.incidents_.export[.]xlsx");

const codesOf = (field: CodedField) => (CODE_SETS[field] as readonly CodeDef[]).map((d) => d.code);
const pick = <T>(list: readonly T[], i: number) => list[i % list.length];

/**
 * Incidents that use every code of every coded field, several values in the list fields, Japanese and CP932-only
 * names, commas, quotes, line breaks, formula-looking text, and one with every optional field empty.
 */
function sampleIncidents(): IncidentInput[] {
  const out: IncidentInput[] = [];
  const n = Math.max(...(Object.keys(CODE_SETS) as CodedField[]).map((f) => codesOf(f).length));
  const texts = [
    "=SUM(1)", "+81 3-1234-5678 に折り返し", "-5万円を返せ", "@担当者 宛", '「責任者を出せ」と言い、"謝罪文"を要求', "一行目\n二行目\r\n三行目、カンマ, あり",
    "①土下座の要求、㈱ミナト商事の髙橋様・﨑山様、10時～12時", "ｶﾀｶﾅ ﾊﾝｶｸ と 全角／記号 ＃",
  ];
  for (let i = 0; i < n; i++) {
    const day = `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + i).padStart(2, "0")}`;
    const closed = i % 3 !== 0;
    out.push(
      incidentInput({
        ref: i % 4 === 0 ? null : `KH-2025-${String(i + 1).padStart(4, "0")}`,
        occurred_at: i % 5 === 0 ? day : `${day}T${String(8 + (i % 12)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}:00+09:00`,
        reported_at: i % 2 ? `${day}T20:00:00+09:00` : null,
        department: pick(["東京本店", "大阪支店, 梅田", "カスタマーサポートセンター"], i),
        in_tokyo: pick([true, false, null], i),
        channel: pick(codesOf("channel"), i),
        client: pick(['株式会社ミナト "本社"', "㈱髙橋商事", "=HYPERLINK(\"x\")", "ABC商事, 大阪"], i),
        counterparty_type: pick(codesOf("counterparty_type"), i),
        customer_identified: pick([true, false, null], i + 1),
        validity: pick(codesOf("validity"), i),
        behaviours: [pick(codesOf("behaviours"), i), pick(codesOf("behaviours"), i + 5)],
        legal_flags: i % 2 ? [pick(codesOf("legal_flags"), i), pick(codesOf("legal_flags"), i + 1)] : [pick(codesOf("legal_flags"), i)],
        severity: Number(pick(codesOf("severity"), i)),
        duration_min: i * 15,
        contact_count: 1 + i,
        responders: 1 + (i % 3),
        recorded: pick([true, false, null], i + 2),
        summary: `${pick(texts, i)}(${i})`,
        verbatim: pick(texts, i + 3),
        determination: pick(codesOf("determination"), i),
        responses: [pick(codesOf("responses"), i), pick(codesOf("responses"), i + 2), pick(codesOf("responses"), i + 4)],
        care: i % 4 === 1 ? [] : [pick(codesOf("care"), i)],
        outcome: pick(codesOf("outcome"), i),
        status: closed ? "closed" : "open",
        closed_at: closed ? `2025-12-${String(1 + i).padStart(2, "0")}` : null,
        report_submitted_at: closed && i % 2 ? `2025-12-${String(2 + i).padStart(2, "0")}` : null,
        prevention: i % 2 ? pick(texts, i + 5) : null,
      }),
    );
  }
  out.push({
    ...incidentInput(),
    ref: null, occurred_at: "2024-03-31", reported_at: null, department: null, in_tokyo: null, client: null,
    counterparty_type: null, customer_identified: null, validity: null, behaviours: ["MB01"], legal_flags: [], severity: null,
    duration_min: null, contact_count: null, responders: null, recorded: null, summary: null, verbatim: null,
    determination: null, responses: [], care: [], outcome: null, status: "open", closed_at: null, report_submitted_at: null,
    prevention: null,
  });
  // A case from an old ledger, closed on a day nobody recorded (終了日不明): written as 不明, read back as such.
  out.push({ ...incidentInput(), ref: "LEDGER-1", occurred_at: "2023-05-01", reported_at: null, status: "closed", closed_at: null, closed_date_unknown: true, report_submitted_at: null });
  return out;
}

/** Every incident of a database, in id order, as typed inputs (lists in code order, as getIncident reads them). */
function allIncidents(db: Db): IncidentInput[] {
  const ids = db.select({ id: incidents.id }).from(incidents).orderBy(asc(incidents.id)).all();
  return ids.map(({ id }) => toInput(getIncident(db, id)!));
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "export-test-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function exportBytes(db: Db, encoding: CsvEncoding, filters = emptyFilters(), pageSize = 4): Promise<Buffer> {
  const res = await csvStreamResponse(incidentExport(db, filters, { kind: "all" }, { pageSize }).pager, encoding, { ascii: "x.csv" });
  return Buffer.from(await res.arrayBuffer());
}

async function reimport(bytes: Buffer, name: string) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  const target = memoryDb();
  const result = await importFile(target, file, { today: TODAY, errorFilePath: null });
  return { target, result };
}

describe("the incident export", () => {
  it("has the importer's canonical header for every field, in INCIDENT_FIELDS order", () => {
    expect(EXPORT_HEADERS).toEqual(INCIDENT_FIELDS.map(canonicalHeader));
    expect(EXPORT_HEADERS.slice(0, 3)).toEqual(["管理番号", "発生日時", "上長報告日時"]);
  });

  it("writes codes as CODE label, lists joined with ;, yes/no, stored dates and empty cells for nothing", () => {
    const cells = exportCells(
      incidentInput({ behaviours: ["MA02", "MA05"], severity: 3, status: "closed", in_tokyo: false, legal_flags: [], prevention: null }),
    );
    const at = (field: (typeof INCIDENT_FIELDS)[number]) => cells[INCIDENT_FIELDS.indexOf(field)];
    expect(at("behaviours")).toBe("MA02 精神的な攻撃;MA05 継続的・執拗な言動");
    expect(at("channel")).toBe("C2 電話");
    expect(at("severity")).toMatch(/^3 /);
    expect(at("status")).toBe("終了");
    expect(at("in_tokyo")).toBe("いいえ");
    expect(at("occurred_at")).toBe("2025-04-01T10:30:00+09:00");
    expect(at("legal_flags")).toBe("");
    expect(at("prevention")).toBe("");
  });

  for (const encoding of ["utf-8", "shift_jis"] as const) {
    it(`re-imports from ${encoding} into an empty database as the same incidents, every field`, async () => {
      const source = memoryDb();
      const inputs = sampleIncidents();
      for (const input of inputs) createIncident(source, input, { today: TODAY });
      const bytes = await exportBytes(source, encoding);
      if (encoding === "utf-8") expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      else expect(new TextDecoder("shift_jis").decode(bytes)).toBe(new TextDecoder().decode(await exportBytes(source, "utf-8")));
      const { target, result } = await reimport(bytes, `export-${encoding}.csv`);
      expect(result.errors).toEqual([]);
      expect(result.encoding).toBe(encoding);
      expect(result).toMatchObject({ rows: inputs.length, imported: inputs.length, invalid: 0, duplicates: 0 });
      const before = allIncidents(source);
      expect(before).toHaveLength(inputs.length);
      expect(allIncidents(target)).toEqual(before);
    });
  }

  it("re-imports characters Shift_JIS lacks from UTF-8, and refuses them in Shift_JIS", async () => {
    const source = memoryDb();
    createIncident(source, incidentInput({ client: "𠮷野家", summary: "😀 と 〜 と ¥100" }), { today: TODAY });
    const { target } = await reimport(await exportBytes(source, "utf-8"), "astral.csv");
    expect(allIncidents(target)).toEqual(allIncidents(source));
    await expect(exportBytes(source, "shift_jis")).rejects.toMatchObject({ status: 422, params: { chars: expect.stringContaining("「𠮷」") } });
  });

  it("holds the incidents the list's filters match, all of them across pages", async () => {
    const source = memoryDb();
    for (const input of sampleIncidents()) createIncident(source, input, { today: TODAY });
    const { filters } = parseListQuery(new URLSearchParams("channel=C2&channel=C1&page=2"));
    const text = new TextDecoder().decode(await exportBytes(source, "utf-8", filters, 1));
    const { target } = await reimport(Buffer.from(text), "filtered.csv");
    const expected = allIncidents(source).filter((i) => i.channel === "C1" || i.channel === "C2");
    expect(expected.length).toBeGreaterThan(1);
    expect(allIncidents(target)).toEqual(expected);
  });
});

describe("the export route", () => {
  let db: Db;
  const cookies = {} as Record<Role, string>;
  const call = (role: Role, query = "") =>
    loader({
      request: new Request(`http://localhost/incidents/export.csv${query}`, { headers: { Cookie: cookies[role] } }),
      params: {},
      context: { clientIp: "127.0.0.1" },
    } as unknown as LoaderFunctionArgs);

  beforeAll(async () => {
    db = memoryDb();
    shared.db = db;
    for (const input of sampleIncidents()) createIncident(db, input, { today: TODAY });
    const actor = { userId: null, name: "test", ip: null };
    for (const role of ["admin", "hr", "supervisor", "executive"] as const) {
      const { id } = await createUser(
        db,
        { email: `${role}@example.com`, displayName: role, role, department: role === "supervisor" ? "東京本店" : null },
        actor,
        { password: "a long enough password", mustChangePassword: false },
      );
      const token = createSession(db, id, { ip: null, userAgent: null });
      cookies[role] = `kasuhara_session=${Buffer.from(JSON.stringify(token)).toString("base64")}`;
    }
  });

  it("refuses executives and supervisors (403) and records nothing", async () => {
    for (const role of ["executive", "supervisor"] as const) {
      await expect(call(role)).rejects.toMatchObject({ status: 403 });
      await expect(call(role, "?encoding=shift_jis")).rejects.toMatchObject({ status: 403 });
    }
    expect(db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all()).toEqual([]);
  });

  it("gives HR the file with the filters applied, and audits it with the filters, the count and the encoding", async () => {
    const res = (await call("hr", "?channel=C2&encoding=shift_jis")) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=Shift_JIS");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="incidents-\d{4}-\d{2}-\d{2}-sjis\.csv"$/);
    const text = new TextDecoder("shift_jis").decode(await res.arrayBuffer());
    const expected = allIncidents(db).filter((i) => i.channel === "C2").length;
    expect(text.split("\r\n")[0]).toBe(EXPORT_HEADERS.join(","));
    expect(text.match(/C2 電話/g)).toHaveLength(expected);
    const entries = db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: "hr@example.com", targetType: "incident", ip: "127.0.0.1" });
    expect(JSON.parse(entries[0].detail!)).toEqual({ filters: "?channel=C2", count: expected, format: "csv", encoding: "shift_jis" });
  });

  it("answers a Shift_JIS export it cannot write with the 422 page, and audits no export", async () => {
    const before = db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all().length;
    createIncident(db, incidentInput({ channel: "C6", summary: "𠮷" }), { today: TODAY });
    const res = (await call("admin", "?channel=C6&encoding=shift_jis")) as Response;
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("「𠮷」(U+20BB7)");
    expect(db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all()).toHaveLength(before);
    const utf8 = (await call("admin", "?channel=C6&encoding=utf-8")) as Response;
    expect(utf8.status).toBe(200);
    expect(await utf8.text()).toContain("𠮷");
  });

  const callXlsx = (role: Role, query = "") =>
    xlsxLoader({
      request: new Request(`http://localhost/incidents/export.xlsx${query}`, { headers: { Cookie: cookies[role] } }),
      params: {},
      context: { clientIp: "127.0.0.1" },
    } as unknown as LoaderFunctionArgs);

  /** The workbook's rows as text, header first. */
  async function sheetRows(res: Response): Promise<string[][]> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const rows: string[][] = [];
    workbook.worksheets[0].eachRow({ includeEmpty: true }, (row) => {
      rows.push(EXPORT_HEADERS.map((_, i) => {
        const v = row.getCell(i + 1).value;
        return v === null || v === undefined ? "" : String(v);
      }));
    });
    return rows;
  }

  it("gives the .xlsx to HR and admin only, with the list's filters, every column, Japanese intact, and audits it", async () => {
    for (const role of ["executive", "supervisor"] as const) await expect(callXlsx(role)).rejects.toMatchObject({ status: 403 });
    const before = db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all().length;
    const res = (await callXlsx("hr", "?channel=C2")) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX_CONTENT_TYPE);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="incidents-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const rows = await sheetRows(res);
    expect(rows[0]).toEqual([...EXPORT_HEADERS]);
    // The same incidents as the list with these filters, and the same cells as the CSV export.
    const list = listIncidents(db, { filters: { ...emptyFilters(), channel: ["C2"] }, sort: "occurred_asc", page: 1 });
    expect(list.total).toBeGreaterThan(1);
    const expected = db.select({ id: incidents.id }).from(incidents).orderBy(asc(incidents.id)).all()
      .filter((r) => list.rows.some((l) => l.id === r.id))
      .map((r) => exportCells(toInput(getIncident(db, r.id)!)));
    expect(rows.slice(1)).toEqual(expected);
    expect(rows.slice(1).some((r) => r.some((c) => /[ぁ-んァ-ン一-龯]/.test(c)))).toBe(true);
    const entries = db.select().from(auditLog).where(eq(auditLog.action, "incidents.exported")).all();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ actor: "hr@example.com", targetType: "incident", ip: "127.0.0.1" });
    expect(JSON.parse(entries.at(-1)!.detail!)).toEqual({ filters: "?channel=C2", count: expected.length, format: "xlsx" });
  });

  it("writes formula-looking text as text, never as a formula", async () => {
    createIncident(db, incidentInput({ summary: "=HYPERLINK(\"http://example.com\")" }), { today: TODAY });
    const res = (await callXlsx("admin", "?q=HYPERLINK")) as Response;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets[0].rowCount).toBe(2);
    const cell = workbook.worksheets[0].getRow(2).getCell(EXPORT_HEADERS.indexOf(canonicalHeader("summary")) + 1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe("=HYPERLINK(\"http://example.com\")");
  });
});
