/**
 * Rates and benchmarks (issue 20): incidents per 100 employees from the headcount register, days to close, the
 * executive χ carried into rates, the register's all-or-nothing save, and the keys of `npm run report --format json`.
 * Every expected figure is worked out here by hand from the data the test writes, with a fixed `today`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase, type Db } from "../db/client.server";
import { auditLog, headcounts, settings } from "../db/schema";
import { translate } from "~/i18n";
import { addDepartment, mergeDepartment } from "~/modules/departments/admin.server";
import { createIncident } from "~/modules/incidents/mutations.server";
import { cellName } from "~/modules/registers/headcount-form";
import { headcountRows, saveHeadcounts } from "~/modules/registers/headcounts.server";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { parsePeriod } from "~/modules/reports/periods";
import { closingSection, fiscalYearWeights } from "~/modules/reports/rates.server";
import { toMarkdown, toReportCsv } from "~/modules/reports/render";
import { startCli } from "./cli";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };
const opts = (audience: "hr" | "executive" = "hr") => ({ audience, lang: "ja" as const, today: TODAY, settings: SETTINGS });
const ACTOR = { userId: null, name: "hr@example.jp", ip: null };

type Input = Parameters<typeof incidentInput>[0];
function add(db: Db, day: string, input: Input = {}) {
  return createIncident(db, incidentInput({ occurred_at: `${day}T10:00:00+09:00`, reported_at: null, report_submitted_at: null, closed_at: null, status: "open", ...input }), { today: TODAY });
}
const idOf = (db: Db, name: string) => headcountRows(db, 2025).find((r) => r.name === name)!.departmentId;
function setHeadcount(db: Db, name: string, fiscalYear: number, headcount: number) {
  db.insert(headcounts).values({ departmentId: headcountRows(db, fiscalYear).find((r) => r.name === name)!.departmentId, fiscalYear, headcount }).run();
}

describe("incidents per 100 employees", () => {
  it("divides the period's incidents by its fiscal year's headcount, company and department, exactly", () => {
    const db = memoryDb();
    for (const day of ["2025-04-10", "2025-08-01", "2026-03-31"]) add(db, day, { department: "東京本店" });
    for (const day of ["2025-05-01", "2025-12-24"]) add(db, day, { department: "新宿店" });
    add(db, "2025-06-01", { department: null }); // no department: the company's count only
    add(db, "2026-04-01", { department: "東京本店" }); // FY2026: not in the period
    setHeadcount(db, "東京本店", 2025, 120);
    setHeadcount(db, "新宿店", 2025, 40);
    const r = buildComplianceReport(db, parsePeriod("FY2025")!, opts());
    const p = r.rates!.perHundred;
    expect(p.fiscalYears).toEqual([{ fiscalYear: 2025, weight: 1 }]);
    expect(p.company).toEqual({ incidents: 6, headcount: 160, rate: (6 / 160) * 100 });
    const dept = Object.fromEntries(p.byDepartment.map((d) => [d.label, d]));
    expect(dept["東京本店"]).toMatchObject({ incidents: 3, headcount: 120, rate: 2.5 });
    expect(dept["新宿店"]).toMatchObject({ incidents: 2, headcount: 40, rate: 5 });
    expect(p.byDepartment).toHaveLength(2);
    expect(toMarkdown(r, "ja")).toContain("| 新宿店 | 5.00 | 2 | 40 |");
  });

  it("counts a merged department's headcount under the department it was merged into, as its incidents", () => {
    const db = memoryDb();
    add(db, "2025-05-01", { department: "渋谷店" });
    add(db, "2025-06-01", { department: "渋谷店" });
    for (const day of ["2025-05-02", "2025-06-02", "2025-07-02"]) add(db, day, { department: "新宿店" });
    setHeadcount(db, "渋谷店", 2025, 30);
    setHeadcount(db, "新宿店", 2025, 70);
    mergeDepartment(db, idOf(db, "渋谷店"), 1, idOf(db, "新宿店"), ACTOR);
    const p = buildComplianceReport(db, parsePeriod("FY2025")!, opts()).rates!.perHundred;
    expect(p.company).toEqual({ incidents: 5, headcount: 100, rate: 5 });
    expect(p.byDepartment).toEqual([{ code: null, label: "新宿店", incidents: 5, headcount: 100, rate: 5 }]);
  });

  it("gives null and 「人数未登録」 without a headcount, never 0", () => {
    const db = memoryDb();
    add(db, "2026-05-01", { department: "東京本店" });
    setHeadcount(db, "東京本店", 2025, 120); // another year
    const r = buildComplianceReport(db, parsePeriod("FY2026")!, opts());
    expect(r.rates!.perHundred.company).toEqual({ incidents: 1, headcount: null, rate: null });
    expect(r.rates!.perHundred.byDepartment[0]).toMatchObject({ incidents: 1, headcount: null, rate: null });
    expect(toMarkdown(r, "ja")).toContain("| 全社 | 人数未登録 | 1 | 人数未登録 |");
    expect(toReportCsv(r, "ja")).toContain("人数未登録");
  });

  it("weights a period across fiscal years by its days in each, and needs every year's headcount", () => {
    expect(fiscalYearWeights({ from: "2025-01-01", to: "2025-12-31" }, 4)).toEqual([
      { fiscalYear: 2024, weight: 90 / 365 },
      { fiscalYear: 2025, weight: 275 / 365 },
    ]);
    const db = memoryDb();
    add(db, "2025-02-01", { department: "東京本店" });
    add(db, "2025-07-01", { department: "東京本店" });
    setHeadcount(db, "東京本店", 2025, 146);
    const without2024 = buildComplianceReport(db, parsePeriod("2025")!, opts()).rates!.perHundred;
    expect(without2024.company.rate).toBeNull();
    setHeadcount(db, "東京本店", 2024, 73);
    const r = buildComplianceReport(db, parsePeriod("2025")!, opts()).rates!.perHundred;
    const headcount = (73 * 90 + 146 * 275) / 365;
    expect(r.company.headcount).toBeCloseTo(headcount, 10);
    expect(r.company.rate).toBeCloseTo((2 / headcount) * 100, 10);
  });
});

describe("days to close", () => {
  it("takes the median and the share within 30 days over closed incidents with a close date, 終了日不明 apart", () => {
    const db = memoryDb();
    // Occurred 2025-05-01, closed after 1, 5, 10, 30, 31 and 45 days.
    const days = [1, 5, 10, 30, 31, 45];
    for (const d of days) {
      const closed = new Date(Date.UTC(2025, 4, 1 + d)).toISOString().slice(0, 10);
      add(db, "2025-05-01", { status: "closed", closed_at: closed });
    }
    add(db, "2025-05-02", { status: "closed", closed_at: null, closed_date_unknown: true });
    add(db, "2025-05-03"); // open
    add(db, "2025-04-30", { status: "closed", closed_at: "2025-05-01" }); // April: not in the period
    const c = buildComplianceReport(db, parsePeriod("2025-05")!, opts()).rates!.closing;
    // An independent count: sorted 1 5 10 30 31 45 → median (10 + 30) / 2; within 30: 1 5 10 30.
    expect(c).toEqual({ closed: 7, closedDateUnknown: 1, medianDaysToClose: 20, closedWithin30Days: { count: 4, applicable: 6, rate: 4 / 6 } });
  });

  it("has a null rate and median when nothing is applicable", () => {
    const db = memoryDb();
    add(db, "2025-05-02", { status: "closed", closed_at: null, closed_date_unknown: true });
    const c = buildComplianceReport(db, parsePeriod("2025-05")!, opts()).rates!.closing;
    expect(c).toEqual({ closed: 1, closedDateUnknown: 1, medianDaysToClose: null, closedWithin30Days: { count: 0, applicable: 0, rate: null } });
  });

  it("hides small closing counts from executives, and what would give them away", () => {
    expect(closingSection({ closed: 10, closedDateUnknown: 0, days: [1, 2, 3, 4, 5, 6, 7, 40, 41, 42] }, 3)).toEqual({
      closed: 10, closedDateUnknown: 0, medianDaysToClose: 5.5, closedWithin30Days: { count: 7, applicable: 10, rate: 0.7 },
    });
    // 2 beyond 30 days: the within count would give them away.
    expect(closingSection({ closed: 10, closedDateUnknown: 0, days: [1, 2, 3, 4, 5, 6, 7, 8, 40, 41] }, 3).closedWithin30Days).toEqual({ count: "χ", applicable: 10, rate: "χ" });
    // 1 with no close date: applicable (closed − 1) would give it away, and so would the median's group.
    expect(closingSection({ closed: 10, closedDateUnknown: 1, days: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 3)).toEqual({
      closed: 10, closedDateUnknown: "χ", medianDaysToClose: "χ", closedWithin30Days: { count: "χ", applicable: "χ", rate: "χ" },
    });
  });
});

describe("executive rates", () => {
  it("prints χ for the rate of a department whose count is hidden, and never the rate that would reveal it", () => {
    const db = memoryDb();
    db.update(settings).set({ disclosureKey: "test-key" }).run();
    // FY2025, every month at least 3 incidents: 36 in 東京本店, 2 in 新宿店 (hidden), 5 in 大阪支店.
    for (let m = 0; m < 12; m++) {
      const [y, mo] = m < 9 ? [2025, m + 4] : [2026, m - 8];
      for (let i = 1; i <= 3; i++) add(db, `${y}-${String(mo).padStart(2, "0")}-${String(i * 5).padStart(2, "0")}`, { department: "東京本店" });
    }
    add(db, "2025-05-20", { department: "新宿店" });
    add(db, "2025-09-20", { department: "新宿店" });
    for (const day of ["2025-04-20", "2025-06-20", "2025-07-20", "2025-10-20", "2025-11-20"]) add(db, day, { department: "大阪支店" });
    setHeadcount(db, "東京本店", 2025, 120);
    setHeadcount(db, "新宿店", 2025, 40);
    setHeadcount(db, "大阪支店", 2025, 50);
    const r = buildComplianceReport(db, parsePeriod("FY2025")!, opts("executive"));
    const p = r.rates!.perHundred;
    expect(p.company).toEqual({ incidents: 43, headcount: 210, rate: (43 / 210) * 100 });
    const byLabel = Object.fromEntries(p.byDepartment.map((d) => [d.label, d]));
    expect(byLabel["新宿店"]).toMatchObject({ incidents: "χ", rate: "χ", headcount: 40 });
    for (const d of p.byDepartment) {
      const shown = r.byDepartment.find((x) => x.label === d.label)!;
      expect(d.incidents).toBe(shown.count);
      expect(d.rate).toBe(typeof shown.count === "number" ? (shown.count / d.headcount!) * 100 : "χ");
    }
    expect(Object.values(byLabel).filter((d) => d.rate === "χ").length).toBeGreaterThanOrEqual(2); // complementary
    // 新宿店's 2 / 40 and 大阪支店's 5 / 50, as rates, appear nowhere.
    expect(JSON.stringify(r.rates)).not.toMatch(/"rate":(5|10)[,}]/);
    expect(toMarkdown(r, "ja")).toMatch(/\| 新宿店 \| χ \| χ \| 40 \|/);
  });
});

describe("the headcount register", () => {
  it("saves a year all or nothing: one bad cell saves none and names its department in Japanese", () => {
    const db = memoryDb();
    addDepartment(db, "東京本店", ACTOR);
    addDepartment(db, "新宿店", ACTOR);
    addDepartment(db, "大阪支店", ACTOR);
    const [tokyo, shinjuku, osaka] = ["東京本店", "新宿店", "大阪支店"].map((n) => idOf(db, n));
    const bad = saveHeadcounts(db, 2025, { [cellName(tokyo)]: "120", [cellName(shinjuku)]: "八十", [cellName(osaka)]: "0" }, ACTOR);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual([cellName(shinjuku), cellName(osaka)].sort());
    expect(translate("ja", bad.errors[cellName(shinjuku)].key, bad.errors[cellName(shinjuku)].params)).toBe("新宿店の人数は整数(半角または全角の数字)で入力してください。");
    expect(translate("ja", bad.errors[cellName(osaka)].key, bad.errors[cellName(osaka)].params)).toBe("大阪支店の人数は1以上にしてください。");
    expect(bad.values[cellName(shinjuku)]).toBe("八十");
    expect(db.select().from(headcounts).all()).toHaveLength(0);

    const good = saveHeadcounts(db, 2025, { [cellName(tokyo)]: "120", [cellName(shinjuku)]: "８０", [cellName(osaka)]: "1,050" }, ACTOR);
    expect(good).toEqual({ ok: true, changed: 3 });
    const rows = headcountRows(db, 2026);
    expect(rows.map((r) => [r.name, r.headcount, r.previous])).toEqual([
      ["大阪支店", null, 1050],
      ["新宿店", null, 80],
      ["東京本店", null, 120],
    ]);
    expect(saveHeadcounts(db, 2025, { [cellName(tokyo)]: "121", [cellName(shinjuku)]: "80", [cellName(osaka)]: "1050" }, ACTOR)).toEqual({ ok: true, changed: 1 });
    const trail = db.select().from(auditLog).where(eq(auditLog.action, "headcount.saved")).all();
    expect(trail).toHaveLength(2);
    expect(JSON.parse(trail[1].detail!)).toEqual({ fiscalYear: 2025, changes: [{ departmentId: tokyo, before: 120, after: 121 }] });
    // A missing cell is an error too: every department of the year or none.
    const missing = saveHeadcounts(db, 2026, { [cellName(tokyo)]: "130" }, ACTOR);
    expect(missing.ok).toBe(false);
    expect(db.select().from(headcounts).where(eq(headcounts.fiscalYear, 2026)).all()).toHaveLength(0);
  });
});

describe("npm run report -- --format json", { timeout: 60_000 }, () => {
  it("has the rates keys and each benchmark's source and year", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-rates-"));
    try {
      const dbPath = path.join(dir, "rates.db");
      const db = openDatabase(dbPath);
      add(db, "2025-06-01", { department: "東京本店", status: "closed", closed_at: "2025-06-11" });
      setHeadcount(db, "東京本店", 2025, 50);
      db.$client.close();
      const p = startCli("scripts/report.ts", dbPath, ["--period", "FY2025", "--format", "json"]);
      const { code } = await p.exited;
      expect(code, p.output.stderr).toBe(0);
      const report = JSON.parse(p.output.stdout);
      expect(report.rates.perHundred.company).toEqual({ incidents: 1, headcount: 50, rate: 2 });
      expect(report.rates.perHundred.byDepartment).toEqual([{ code: null, label: "東京本店", incidents: 1, headcount: 50, rate: 2 }]);
      expect(report.rates.closing).toEqual({ closed: 1, closedDateUnknown: 0, medianDaysToClose: 10, closedWithin30Days: { count: 1, applicable: 1, rate: 1 } });
      for (const b of report.benchmarks) {
        expect(Object.keys(b)).toEqual(expect.arrayContaining(["key", "label", "value", "source", "year"]));
      }
      expect(report.benchmarks.find((b: { key: string }) => b.key === "workers_experienced")).toMatchObject({ value: 0.108, year: 2023, published: "2024-05-17" });
      expect(report.benchmarks.find((b: { key: string }) => b.key === "ua_zensen_experienced_2y")).toMatchObject({ value: 0.468, year: 2024, published: "2024-06-05" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
