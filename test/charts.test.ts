import { describe, expect, it } from "vitest";
import {
  axisLabel, breakdownRows, formatCount, HEAT_LEVELS, heatLevel, heatmapGrid, HOURS, isEmptyBreakdown, MAX_ROWS, rowsClass,
  seriesDataKey, trendRows, WEEKDAY_ROWS,
} from "~/components/charts/chart-data";
import { colorByIndex, colorOf, NEUTRAL, PALETTE, type ColorKind } from "~/modules/analytics/colors";
import type { Breakdown, Heatmap, Trend } from "~/modules/analytics/dashboard-types";
import { BEHAVIOURS, CHANNELS, OUTCOMES, SEVERITIES } from "~/modules/incidents/taxonomy";

const HEX = /^#[0-9A-F]{6}$/;

// WCAG relative luminance and contrast, to hold every chart colour to 3:1 on the white card (WCAG 1.4.11).
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

const codeKinds: [ColorKind, string[]][] = [
  ["behaviour", BEHAVIOURS.map((b) => b.code)],
  ["channel", CHANNELS.map((c) => c.code)],
  ["outcome", OUTCOMES.map((c) => c.code)],
  ["severity", SEVERITIES.map((c) => c.code)],
  ["group", ["MA", "MB"]],
];

describe("chart colours", () => {
  it("gives every code of every coded kind its own colour, never the neutral grey", () => {
    for (const [kind, codes] of codeKinds) {
      const colours = codes.map((code) => colorOf(kind, code));
      for (const [i, c] of colours.entries()) {
        expect(c, `${kind} ${codes[i]}`).toMatch(HEX);
        expect(c, `${kind} ${codes[i]}`).not.toBe(NEUTRAL);
      }
      expect(new Set(colours).size, kind).toBe(codes.length);
    }
  });

  it("gives the same code the same colour every time, whatever its position in a chart", () => {
    for (const [kind, codes] of codeKinds) {
      for (const code of codes) {
        const first = colorOf(kind, code);
        expect(colorOf(kind, code), `${kind} ${code}`).toBe(first);
        expect(colorOf(kind, code, 7), `${kind} ${code} at another index`).toBe(first);
      }
    }
  });

  it("keeps the published colours (a change repaints every saved screenshot and report)", () => {
    expect(colorOf("behaviour", "MA01")).toBe("#0072B2");
    expect(colorOf("behaviour", "MA14")).toBe("#332288");
    expect(colorOf("behaviour", "MB01")).toBe("#D55E00");
    expect(colorOf("behaviour", "MB04")).toBe("#8C564B");
    expect(Object.fromEntries(CHANNELS.map((c) => [c.code, colorOf("channel", c.code)]))).toEqual({
      C1: "#0072B2", C2: "#D55E00", C3: "#009E73", C4: "#B5529A", C5: "#9A6C00", C6: "#332288", C9: "#2B8CBE",
    });
    expect(OUTCOMES.map((o) => colorOf("outcome", o.code))).toEqual(PALETTE.qualitative.slice(0, OUTCOMES.length));
    expect(["1", "2", "3", "4"].map((s) => colorOf("severity", s))).toEqual(["#EF5A3C", "#CB181D", "#8E0A16", "#4A0012"]);
    expect([colorOf("group", "MA"), colorOf("group", "MB")]).toEqual(["#0072B2", "#D55E00"]);
    expect(NEUTRAL).toBe("#868C96");
  });

  it("draws MA behaviours in the MA colour family and MB in the MB one, matching the group colours", () => {
    const ma = BEHAVIOURS.filter((b) => b.group === "MA").map((b) => colorOf("behaviour", b.code));
    const mb = BEHAVIOURS.filter((b) => b.group === "MB").map((b) => colorOf("behaviour", b.code));
    expect(ma).toEqual(PALETTE.behaviourMA);
    expect(mb).toEqual(PALETTE.behaviourMB);
    expect(ma[0]).toBe(colorOf("group", "MA"));
    expect(mb[0]).toBe(colorOf("group", "MB"));
    expect(ma.filter((c) => mb.includes(c))).toEqual([]);
  });

  it("paints unknown and other the same neutral grey in every kind", () => {
    const kinds: ColorKind[] = ["behaviour", "group", "severity", "channel", "outcome", "department", "client"];
    for (const kind of kinds) {
      for (const key of ["unknown", "other"]) {
        expect(colorOf(kind, key), `${kind} ${key}`).toBe(NEUTRAL);
        expect(colorOf(kind, key, 3), `${kind} ${key} at index 3`).toBe(NEUTRAL);
      }
    }
  });

  it("draws a code the taxonomy does not know grey rather than borrowing another code's colour", () => {
    expect(colorOf("behaviour", "MA99")).toBe(NEUTRAL);
    expect(colorOf("channel", "C7")).toBe(NEUTRAL);
    expect(colorOf("outcome", "O8")).toBe(NEUTRAL);
    expect(colorOf("severity", "5")).toBe(NEUTRAL);
    expect(colorOf("group", "MC")).toBe(NEUTRAL);
  });

  it("colours departments and clients by their position in the list, cycling through the palette", () => {
    const n = PALETTE.qualitative.length;
    const firstRound = Array.from({ length: n }, (_, i) => colorByIndex(i));
    expect(new Set(firstRound).size).toBe(n);
    expect(colorByIndex(n)).toBe(colorByIndex(0));
    expect(colorOf("department", "17", 2)).toBe(colorByIndex(2));
    expect(colorOf("client", "株式会社サンプル", 2)).toBe(colorByIndex(2));
    expect(colorByIndex(-1)).toBe(NEUTRAL);
    expect(colorByIndex(1.5)).toBe(NEUTRAL);
  });

  it("keeps every colour at 3:1 or more against white, so thin bars stay visible", () => {
    const all = [
      NEUTRAL, ...PALETTE.qualitative, ...Object.values(PALETTE.group), ...PALETTE.behaviourMA, ...PALETTE.behaviourMB,
      ...PALETTE.severity,
    ];
    for (const c of all) expect(contrastOnWhite(c), c).toBeGreaterThanOrEqual(3);
  });

  it("makes severity a sequential scale: each step clearly darker than the one before", () => {
    // CIE L*: perceived lightness. 10 apart keeps neighbouring segments of a stacked bar apart.
    const lightness = (hex: string) => 116 * Math.cbrt(luminance(hex)) - 16;
    const l = PALETTE.severity.map(lightness);
    for (let i = 1; i < l.length; i++) expect(l[i - 1] - l[i], `severity ${i} → ${i + 1}`).toBeGreaterThanOrEqual(10);
  });
});

describe("axis labels", () => {
  it("gives English labels the room of the Japanese ones, by width rather than by character count", () => {
    expect(axisLabel("継続的な（繰り返される）、執拗な言動")).toBe("継続的な（繰り返される）、執拗…") // 15 characters, as before;
    expect(axisLabel("Psychological attacks")).toBe("Psychological attacks"); // was cut to 「Psychological a…」
    expect(axisLabel("Persistent, repeated demands or conduct (long)")).toBe("Persistent, repeated demands or…");
    expect(Array.from(axisLabel("x".repeat(40))).length).toBe(32);
    expect(axisLabel("株式会社ひかり運輸")).toBe("株式会社ひかり運輸");
  });
});

describe("heatmap helpers", () => {
  it("starts the week on Monday and ends it on Sunday, each day once", () => {
    expect(WEEKDAY_ROWS).toEqual([1, 2, 3, 4, 5, 6, 0]);
    expect(HOURS).toEqual(Array.from({ length: 24 }, (_, h) => h));
  });

  it("shades 0 as heat-0, any incident at least heat-1, the busiest cell heat-5", () => {
    expect(heatLevel(0, 10)).toBe(0);
    expect(heatLevel(1, 100)).toBe(1);
    expect(heatLevel(20, 100)).toBe(1);
    expect(heatLevel(21, 100)).toBe(2);
    expect(heatLevel(50, 100)).toBe(3);
    expect(heatLevel(99, 100)).toBe(5);
    expect(heatLevel(100, 100)).toBe(HEAT_LEVELS);
    expect(heatLevel(1, 1)).toBe(5);
  });

  it("gives a hidden cell no shade (it may hide few incidents or many), and never shades beyond the scale", () => {
    expect(heatLevel("χ", 0)).toBe(0);
    expect(heatLevel("χ", 50)).toBe(0);
    expect(heatLevel(7, 0)).toBe(5); // max hidden (executives) but a count shown: the strongest step, not a crash
    expect(heatLevel(12, 10)).toBe(5);
  });

  it("never shades a smaller count darker than a larger one", () => {
    let previous = 0;
    for (let n = 0; n <= 37; n++) {
      const level = heatLevel(n, 37);
      expect(level).toBeGreaterThanOrEqual(previous);
      previous = level;
    }
  });

  it("builds the full 7 × 24 grid in display order, filling cells the loader left out", () => {
    const heatmap: Heatmap = {
      cells: [
        { weekday: 1, hour: 14, count: 5, href: "/incidents?weekday=1&hour=14" },
        { weekday: 0, hour: 23, count: "χ", href: null },
        { weekday: 3, hour: 9, count: 10, href: "/incidents?weekday=3&hour=9" },
      ],
      max: 10,
      covered: 17,
      withoutTime: 2,
      withoutTimeHref: null,
    };
    const grid = heatmapGrid(heatmap);
    expect(grid.map((r) => r.weekday)).toEqual([1, 2, 3, 4, 5, 6, 0]);
    for (const row of grid) expect(row.cells.map((c) => c.hour)).toEqual([...HOURS]);
    const monday14 = grid[0].cells[14];
    expect(monday14).toEqual({ weekday: 1, hour: 14, count: 5, href: "/incidents?weekday=1&hour=14", level: 3 });
    expect(grid[2].cells[9].level).toBe(5);
    expect(grid[6].cells[23]).toMatchObject({ count: "χ", href: null, level: 0 });
    expect(grid[4].cells[0]).toEqual({ weekday: 5, hour: 0, count: 0, href: null, level: 0 });
  });
});

describe("breakdown and trend rows", () => {
  const breakdown: Breakdown = {
    id: "behaviour",
    buckets: [
      { key: "MA02", label: "精神的な攻撃", count: 1234, href: "/incidents?behaviour=MA02" },
      { key: "MB04", label: "契約外・過度な要求", count: "χ", href: null },
      { key: "unknown", label: "不明", count: 0, href: null },
    ],
    covered: 1240,
  };

  it("draws a suppressed count as a zero-length bar but shows its text, in the shared colours", () => {
    expect(breakdownRows(breakdown, "behaviour")).toEqual([
      { key: "MA02", label: "精神的な攻撃", value: 1234, shown: "1,234", href: "/incidents?behaviour=MA02", fill: colorOf("behaviour", "MA02") },
      { key: "MB04", label: "契約外・過度な要求", value: 0, shown: "χ", href: null, fill: colorOf("behaviour", "MB04") },
      { key: "unknown", label: "不明", value: 0, shown: "0", href: null, fill: NEUTRAL },
    ]);
  });

  it("colours department bars by their place in the list", () => {
    const departments: Breakdown = {
      id: "department",
      buckets: [
        { key: "12", label: "本社", count: 4, href: "/incidents?department=12" },
        { key: "3", label: "大阪支店", count: 2, href: "/incidents?department=3" },
        { key: "unknown", label: "不明", count: 1, href: null },
      ],
      covered: 7,
    };
    expect(breakdownRows(departments, "department").map((r) => r.fill)).toEqual([colorByIndex(0), colorByIndex(1), NEUTRAL]);
  });

  it("calls a breakdown empty only when every count is a real zero", () => {
    expect(isEmptyBreakdown({ id: "channel", buckets: [], covered: 0 })).toBe(true);
    expect(isEmptyBreakdown({ id: "channel", buckets: [{ key: "C1", label: "対面", count: 0, href: null }], covered: 0 })).toBe(true);
    expect(isEmptyBreakdown({ id: "channel", buckets: [{ key: "C1", label: "対面", count: "χ", href: null }], covered: "χ" })).toBe(false);
  });

  it("formats counts with digit grouping and leaves a suppressed count as it is", () => {
    expect(formatCount(12345)).toBe("12,345");
    expect(formatCount(12345, "en")).toBe("12,345");
    expect(formatCount("χ")).toBe("χ");
    expect(formatCount(0)).toBe("0");
  });

  it("gives a breakdown box one height class per bar, within the styled range", () => {
    expect(rowsClass(1)).toBe("rows-1");
    expect(rowsClass(18)).toBe("rows-18");
    expect(rowsClass(0)).toBe("rows-1");
    expect(rowsClass(MAX_ROWS + 12)).toBe(`rows-${MAX_ROWS}`);
  });

  it("turns trend points into stacked rows keyed apart from the row's own fields", () => {
    const trend: Trend = {
      stack: "severity",
      series: [
        { key: "1", label: "軽微" },
        { key: "4", label: "重篤" },
        { key: "unknown", label: "不明" },
      ],
      points: [
        { month: "2025-04", label: "4月", href: "/incidents?month=2025-04", values: { "1": 3, "4": "χ" }, total: 5 },
        { month: "2025-05", label: "5月", href: null, values: {}, total: 0 },
      ],
      covered: 5,
    };
    const rows = trendRows(trend);
    expect(seriesDataKey("label")).not.toBe("label");
    expect(rows[0]).toEqual({
      month: "2025-04", label: "4月", href: "/incidents?month=2025-04", total: "5",
      shown: { "1": "3", "4": "χ", unknown: "0" },
      s_1: 3, s_4: 0, s_unknown: 0,
    });
    expect(rows[1]).toMatchObject({ s_1: 0, s_4: 0, s_unknown: 0, total: "0", href: null });
  });
});

describe("dashboard stylesheet", () => {
  it("has a height class for every breakdown size the components can ask for", async () => {
    const { readFile } = await import("node:fs/promises");
    const css = await readFile(new URL("../app/styles/dashboard.css", import.meta.url), "utf8");
    for (let n = 1; n <= MAX_ROWS; n++) expect(css, `rows-${n}`).toContain(`.chart-box.rows-${n} {`);
    for (let l = 0; l <= HEAT_LEVELS; l++) expect(css, `heat-${l}`).toContain(`.heat-${l} {`);
  });
});
