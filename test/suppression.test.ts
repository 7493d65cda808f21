/**
 * Small-group suppression for executives and the overview figures it is applied to.
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { departments } from "../db/schema";
import { overview, suppressOverview } from "~/modules/analytics/overview.server";
import { suppressBreakdown, suppressCount, suppressTable, type Shown } from "~/modules/analytics/suppression";
import { createIncident } from "~/modules/incidents/mutations.server";
import type { IncidentInput } from "~/modules/incidents/schema";
import { normalizeName } from "~/modules/incidents/normalize";
import { parsePeriod } from "~/modules/reports/periods";
import { incidentInput, memoryDb, TODAY } from "./helpers";

describe("suppressing one count", () => {
  it("keeps zero, hides 1 and 2, shows 3 and more (threshold 3)", () => {
    expect([0, 1, 2, 3, 4, 100].map((n) => suppressCount(n, 3))).toEqual([0, "<3", "<3", 3, 4, 100]);
  });

  it("uses the configured threshold in the label", () => {
    expect([1, 4, 5].map((n) => suppressCount(n, 5))).toEqual(["<5", "<5", 5]);
  });
});

describe("suppressing a breakdown", () => {
  /** What a reader can work out: the total minus every visible cell. */
  const recoverable = (counts: number[], shown: Shown[]) =>
    counts.reduce((a, b) => a + b, 0) - shown.reduce<number>((a, s) => a + (typeof s === "number" ? s : 0), 0);

  it("hides the next smallest cell too when only one would be hidden", () => {
    expect(suppressBreakdown([10, 2, 7], 3)).toEqual([10, "<3", "<3"]);
    expect(suppressBreakdown([7, 10, 2, 4], 3)).toEqual([7, 10, "<3", "<3"]);
  });

  it("hides only the small cells when two or more are small", () => {
    expect(suppressBreakdown([10, 2, 1], 3)).toEqual([10, "<3", "<3"]);
    expect(suppressBreakdown([10, 2, 1, 8], 3)).toEqual([10, "<3", "<3", 8]);
  });

  it("leaves a breakdown without small cells unchanged, zeros included", () => {
    expect(suppressBreakdown([0, 5, 6], 3)).toEqual([0, 5, 6]);
    expect(suppressBreakdown([0, 0, 0], 3)).toEqual([0, 0, 0]);
  });

  it("never hides a zero as the complementary cell", () => {
    expect(suppressBreakdown([0, 2, 9], 3)).toEqual([0, "<3", "<3"]);
  });

  it("hides only the small cell of a multi-valued breakdown (additive: false)", () => {
    expect(suppressBreakdown([10, 2, 7], 3, false)).toEqual([10, "<3", 7]);
    expect(suppressBreakdown([10, 2, 1], 3, false)).toEqual([10, "<3", "<3"]);
  });

  it("does not let the total minus the visible cells give a hidden count away", () => {
    const counts = [10, 2, 7];
    const shown = suppressBreakdown(counts, 3);
    // Two cells are hidden and together they hold 9: not the small count (2) nor anything below the threshold.
    expect(shown.filter((s) => typeof s === "string")).toHaveLength(2);
    expect(recoverable(counts, shown)).toBe(9);
    // Without the complementary cell the subtraction would reveal the hidden 2 exactly.
    expect(recoverable(counts, suppressBreakdown(counts, 3, false))).toBe(2);
  });

  it("does not let hidden cells be worked out when their sum pins every one of them", () => {
    // Each hidden cell is known to be 1 or 2 ("<3", and zeros are shown as 0). k hidden cells summing to k must all
    // be 1, and summing to 2k must all be 2: [10, 1, 1] and [10, 2, 2] would reveal both hidden counts.
    for (const counts of [[10, 1, 1], [10, 2, 2], [10, 2, 1]]) {
      const shown = suppressBreakdown(counts, 3);
      const hidden = shown.filter((s) => typeof s === "string").length;
      const sum = recoverable(counts, shown);
      // Pinned would be: one hidden cell, or a sum that only all-1s or all-2s can make. A sum above 2k shows a larger
      // cell is among them, and then no hidden value can be told.
      expect(hidden, JSON.stringify(counts)).toBeGreaterThan(1);
      expect(sum, JSON.stringify(counts)).not.toBe(hidden * 1);
      expect(sum, JSON.stringify(counts)).not.toBe(hidden * 2);
    }
  });
});

describe("suppressing a table with its total", () => {
  it("hides the total when no other cell is left to protect a small one", () => {
    expect(suppressTable([2, 0, 0], 3)).toEqual({ cells: ["<3", 0, 0], total: "<3" });
    // Three cells of 1 … 2 each: the bound "<7" is true whatever they are, and pins none of them.
    expect(suppressTable([1, 1, 1], 3)).toEqual({ cells: ["<3", "<3", "<3"], total: "<7" });
  });

  it("keeps the total when a larger cell was hidden to protect the small one", () => {
    expect(suppressTable([10, 2, 7], 3)).toEqual({ cells: [10, "<3", "<3"], total: 19 });
    expect(suppressTable([10, 1, 1], 3)).toEqual({ cells: ["<3", "<3", "<3"], total: 12 });
  });
});

describe("the overview", () => {
  const FY2025 = parsePeriod("FY2025")!;
  const open = { status: "open" as const, closed_at: null, report_submitted_at: null, reported_at: null };
  const add = (db: Db, o: Partial<IncidentInput>) => createIncident(db, incidentInput({ ...open, ...o }), { today: TODAY });
  const departmentId = (db: Db, name: string) =>
    db.select().from(departments).where(eq(departments.normalizedName, normalizeName(name))).get()!.id;
  const byCode = <T,>(o: { byBehaviour: { code: string; count: T }[] }) =>
    Object.fromEntries(o.byBehaviour.filter((b) => b.count !== 0).map((b) => [b.code, b.count]));

  function sample(): Db {
    const db = memoryDb();
    // In FY2025 (2025-04-01 .. 2026-03-31):
    add(db, { occurred_at: "2025-04-01T00:10:00+09:00", department: "東京本店", determination: "D1", severity: 3, behaviours: ["MA02", "MA03"], summary: "a" });
    add(db, {
      occurred_at: "2026-03-31T23:30:00+09:00", department: "大阪支店", determination: "D2", severity: 1, behaviours: ["MA02"],
      status: "closed", closed_at: "2026-04-02", summary: "b",
    });
    add(db, { occurred_at: "2025-10-10T12:00:00+09:00", department: "東京本店", determination: "D9", severity: null, behaviours: ["MA05"], summary: "c" });
    // Outside it, one day either side:
    add(db, { occurred_at: "2026-04-01T00:00:00+09:00", department: "東京本店", determination: "D1", severity: 4, behaviours: ["MA05"], summary: "d" });
    add(db, { occurred_at: "2025-03-31T23:59:00+09:00", department: "東京本店", determination: "D1", severity: 4, behaviours: ["MA07"], summary: "e" });
    return db;
  }

  it("counts the incidents of the fiscal year, its first and last day included", () => {
    expect(FY2025).toMatchObject({ from: "2025-04-01", to: "2026-03-31" });
    const o = overview(sample(), FY2025);
    expect({ incidents: o.incidents, kasuhara: o.kasuhara, open: o.open, severe: o.severe }).toEqual({
      incidents: 3, kasuhara: 1, open: 2, severe: 1,
    });
  });

  it("puts 2026-03-31 in FY2025 and 2026-04-01 in FY2026", () => {
    const db = sample();
    const next = overview(db, parsePeriod("FY2026")!);
    expect([next.incidents, next.severe, byCode(next)]).toEqual([1, 1, { MA05: 1 }]);
    expect(overview(db, parsePeriod("2026-03")!).incidents).toBe(1);
    expect(overview(db, parsePeriod("2026-04")!).incidents).toBe(1);
  });

  it("counts a multi-valued behaviour once per value, so the breakdown can exceed the incidents", () => {
    const o = overview(sample(), FY2025);
    expect(byCode(o)).toEqual({ MA02: 2, MA03: 1, MA05: 1 });
    expect(o.byBehaviour.reduce((a, b) => a + b.count, 0)).toBe(4);
    // Every behaviour is listed, most frequent first.
    expect(o.byBehaviour[0]).toEqual({ code: "MA02", count: 2 });
    expect(o.byBehaviour.map((b) => b.count)).toEqual([...o.byBehaviour.map((b) => b.count)].sort((a, b) => b - a));
  });

  it("restricts everything to one department when asked (a supervisor's view)", () => {
    const db = sample();
    const tokyo = overview(db, FY2025, departmentId(db, "東京本店"));
    expect({ incidents: tokyo.incidents, kasuhara: tokyo.kasuhara, open: tokyo.open, severe: tokyo.severe }).toEqual({
      incidents: 2, kasuhara: 1, open: 2, severe: 1,
    });
    expect(byCode(tokyo)).toEqual({ MA02: 1, MA03: 1, MA05: 1 });
    const osaka = overview(db, FY2025, departmentId(db, "大阪支店"));
    expect([osaka.incidents, osaka.open, byCode(osaka)]).toEqual([1, 0, { MA02: 1 }]);
    expect(overview(db, FY2025, 999_999).incidents).toBe(0);
  });

  it("gives executives the figures with small counts hidden", () => {
    const o = overview(sample(), FY2025);
    const s = suppressOverview(o, 3);
    expect({ incidents: s.incidents, kasuhara: s.kasuhara, open: s.open, severe: s.severe }).toEqual({
      incidents: 3, kasuhara: "<3", open: "<3", severe: "<3",
    });
    expect(byCode(s)).toEqual({ MA02: "<3", MA03: "<3", MA05: "<3" });
    // Zeros stay zeros, and the codes keep their order.
    expect(s.byBehaviour.map((b) => b.code)).toEqual(o.byBehaviour.map((b) => b.code));
    expect(s.byBehaviour.filter((b) => b.count === 0)).toHaveLength(o.byBehaviour.filter((b) => b.count === 0).length);
  });

  it("hides nothing when every count reaches the threshold", () => {
    const db = memoryDb();
    for (let i = 0; i < 3; i++) add(db, { occurred_at: `2025-05-0${i + 1}T10:00:00+09:00`, determination: "D1", severity: 3, behaviours: ["MA01"], summary: `x${i}` });
    const s = suppressOverview(overview(db, FY2025), 3);
    expect([s.incidents, s.kasuhara, s.open, s.severe, byCode(s)]).toEqual([3, 3, 3, 3, { MA01: 3 }]);
  });
});
