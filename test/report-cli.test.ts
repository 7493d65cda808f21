/**
 * `npm run report -- --period P --format json` (docs/spec/reports.md) on a database imported from a CSV: the counts
 * equal counting the CSV's rows by hand. The hand count below reads the file with papaparse and plain string tests,
 * independent of the app's own parsing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, startImportCli } from "./cli";

const FIXTURE = path.resolve("test/fixtures/import/report-fy2024.csv");
let dir: string;
let dbPath: string;

async function run(script: "report" | "import", args: string[]) {
  const p = script === "import" ? startImportCli(dbPath, args) : startCli("scripts/report.ts", dbPath, args);
  const { code } = await p.exited;
  return { code, ...p.output };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-report-"));
  dbPath = path.join(dir, "report.db");
  const imported = await run("import", [FIXTURE]);
  expect(imported.code, imported.stderr).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The rows of the file whose 発生日時 falls in FY2024 (2024-04-01 00:00 … 2025-03-31 23:59), counted by hand. */
function handCount() {
  const rows = Papa.parse<Record<string, string>>(fs.readFileSync(FIXTURE, "utf8"), { header: true, skipEmptyLines: true }).data;
  const inFy = rows.filter((r) => r["発生日時"].slice(0, 10) >= "2024-04-01" && r["発生日時"].slice(0, 10) <= "2025-03-31");
  const tally = (pick: (r: Record<string, string>) => string[]) => {
    const m = new Map<string, number>();
    for (const r of inFy) for (const v of pick(r)) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  };
  return {
    incidents: inFy.length,
    kasuhara: inFy.filter((r) => r["該当判断"] === "該当").length,
    yearBefore: rows.filter((r) => r["発生日時"].slice(0, 10) >= "2023-04-01" && r["発生日時"].slice(0, 10) <= "2024-03-31").length,
    channel: tally((r) => [r["発生場面"]]),
    behaviour: tally((r) => r["行為類型"].split(";")),
    severity: tally((r) => [r["深刻度"]]),
    department: tally((r) => [r["部署"]]),
    validity: tally((r) => [r["要求内容の妥当性"]]),
    client: tally((r) => [r["顧客名"] || "不明"]),
    // Open at the period's end: still open, or closed only after it (R-12 closed on 2025-04-01).
    open: inFy.filter((r) => r["状況"] === "対応中" || r["終了日"] > "2025-03-31").length,
  };
}

const asMap = (rows: { label: string; count: number | string }[]) =>
  new Map(rows.filter((r) => r.count !== 0).map((r) => [r.label, r.count]));

// Each test runs the command as a process: about a second of tsx start-up each, more on a loaded machine.
describe("npm run report -- --period FY2024 --format json", { timeout: 60_000 }, () => {
  it("counts exactly what counting the imported CSV's rows by hand gives", async () => {
    const r = await run("report", ["--period", "FY2024", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const hand = handCount();
    expect(hand.incidents).toBe(11); // R-02 … R-12
    expect(report.period).toEqual({ key: "FY2024", from: "2024-04-01", to: "2025-03-31", label: "2024年度(令和6年度)" });
    expect(report.audience).toBe("hr");
    expect(report.totals).toMatchObject({ incidents: hand.incidents, kasuhara: hand.kasuhara, yearBefore: hand.yearBefore });
    expect(asMap(report.byChannel)).toEqual(hand.channel);
    expect(asMap(report.byBehaviour)).toEqual(hand.behaviour); // multi-valued: once per value
    expect(new Map([...asMap(report.bySeverity)].map(([label, n]) => [label, n]))).toEqual(
      new Map([...hand.severity].map(([sev, n]) => [{ 1: "軽微", 2: "中程度", 3: "重大", 4: "重篤" }[sev]!, n])),
    );
    expect(asMap(report.byDepartment)).toEqual(hand.department);
    expect(asMap(report.byValidity)).toEqual(hand.validity);
    expect(asMap(report.byClient)).toEqual(hand.client);
    expect(report.open.count).toBe(hand.open);
    // Every key of the contract is there.
    for (const key of ["period", "audience", "totals", "byBehaviour", "byChannel", "byOutcome", "bySeverity", "byValidity", "byDepartment", "byClient", "adherence", "measures", "training", "open"]) {
      expect(report, key).toHaveProperty(key);
    }
    expect(report.adherence.map((a: { step: string }) => a.step)).toEqual(["identify", "report", "two_responders_recorded", "written_report", "care"]);
  });

  it("refuses executives a period that is not a finished fiscal year, or a year with a month under 3 incidents, with exit 2", async () => {
    const month = await run("report", ["--period", "2024-06", "--format", "json", "--audience", "executive"]);
    expect(month.code).toBe(2);
    expect(month.stderr).toContain("経営層向けの報告書は、終わった年度ごとに作成します");
    // The fixture's FY2024 has 11 incidents: most months have fewer than 3.
    const small = await run("report", ["--period", "FY2024", "--format", "json", "--audience", "executive"]);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain("事案が3件未満の月があるため");
    expect(small.stdout).toBe("");
  });

  it("writes md, csv and html to --out, and refuses a period it cannot read with exit 2", { timeout: 60_000 }, async () => {
    for (const format of ["md", "csv", "html"]) {
      const out = path.join(dir, `report.${format}`);
      const r = await run("report", ["--period", "FY2024", "--format", format, "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      const text = fs.readFileSync(out, "utf8");
      expect(text).toContain("2024年度(令和6年度)");
      expect(text).toContain("行為類型別");
    }
    expect((await run("report", ["--period", "FY20x4"])).code).toBe(2);
    expect((await run("report", ["--period", "FY2024", "--format", "pdf"])).code).toBe(2);
  });
});
