import { describe, expect, it } from "vitest";
import { fiscalYearOf, parsePeriod, periodLabel } from "~/modules/reports/periods";

describe("periods", () => {
  it("reads every form of docs/spec/reports.md", () => {
    expect(parsePeriod("2025-04")).toMatchObject({ from: "2025-04-01", to: "2025-04-30", kind: "month" });
    expect(parsePeriod("2024-02")).toMatchObject({ from: "2024-02-01", to: "2024-02-29" });
    expect(parsePeriod("2025-Q2")).toMatchObject({ from: "2025-04-01", to: "2025-06-30" });
    expect(parsePeriod("2025")).toMatchObject({ from: "2025-01-01", to: "2025-12-31" });
    expect(parsePeriod("FY2025")).toMatchObject({ from: "2025-04-01", to: "2026-03-31" });
    expect(parsePeriod("FY2025-Q1")).toMatchObject({ from: "2025-04-01", to: "2025-06-30" });
    expect(parsePeriod("FY2025-Q4")).toMatchObject({ from: "2026-01-01", to: "2026-03-31" });
    expect(parsePeriod("FY2025-H2")).toMatchObject({ from: "2025-10-01", to: "2026-03-31" });
    expect(parsePeriod("2025-04-01..2025-06-30")).toMatchObject({ from: "2025-04-01", to: "2025-06-30", kind: "range" });
    expect(parsePeriod("ｆｙ２０２５")).toMatchObject({ key: "FY2025" });
  });

  it("follows a fiscal-year start month other than April", () => {
    expect(parsePeriod("FY2025", 1)).toMatchObject({ from: "2025-01-01", to: "2025-12-31" });
    expect(parsePeriod("FY2025", 10)).toMatchObject({ from: "2025-10-01", to: "2026-09-30" });
    expect(parsePeriod("FY2025-Q2", 10)).toMatchObject({ from: "2026-01-01", to: "2026-03-31" });
    expect(fiscalYearOf("2026-03-31")).toBe(2025);
    expect(fiscalYearOf("2026-04-01")).toBe(2026);
    expect(fiscalYearOf("2026-03-31", 1)).toBe(2026);
  });

  it("refuses what it cannot read", () => {
    // The last four: out of the years the app counts (issue 18: the first was a 500 on every page and CSV).
    for (const bad of ["2025-13", "FY25", "2025-Q5", "2025-06-30..2025-04-01", "2025-02-30..2025-03-01", "soon", "", "0002-01-01..9999-12-31", "1899-12", "FY2999", "3000"]) {
      expect(parsePeriod(bad), bad).toBeNull();
    }
  });

  it("labels fiscal years in western and Japanese era years", () => {
    expect(periodLabel(parsePeriod("FY2025")!)).toBe("2025年度(令和7年度)");
    expect(periodLabel(parsePeriod("FY2019")!)).toBe("2019年度(令和元年度)");
    expect(periodLabel(parsePeriod("2025-04")!)).toBe("2025年4月");
    expect(periodLabel(parsePeriod("FY2025-H1")!)).toBe("2025年度 上期");
    expect(periodLabel(parsePeriod("FY2025")!, "en")).toBe("FY2025");
  });
});
