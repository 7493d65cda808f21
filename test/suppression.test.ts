/**
 * Small-group suppression for executives (the dashboard figures it is applied to are tested in dashboard.test.ts).
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { departments } from "../db/schema";
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

