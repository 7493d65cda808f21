/**
 * Disclosure control tested as an attacker would (docs/decisions/0022): for random small tables, everything an executive
 * can see of a breakdown (the unfiltered counts, each selectable department's counts and total, the department table
 * and N) becomes the constraints of an integer program, and a solver independent of the protection (javascript-lp-solver)
 * finds the least and the greatest value each hidden count could have. Every hidden count must keep at least two.
 */
import { describe, expect, it } from "vitest";
import solver from "javascript-lp-solver";
import { mulberry32 } from "./fuzz-inputs";
import { CHI, protectUnit } from "~/modules/analytics/disclosure.server";

const T = 3;
const SECRET = "test-secret";

interface Scenario {
  cells: number[][]; // department × column
}

/** What the executive sees of one breakdown: the department table, each selectable department's row, the margins. */
function published({ cells }: Scenario, additive = true) {
  const C = cells[0].length;
  const deptTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
  const N = deptTotals.reduce((a, b) => a + b, 0);
  const margins = Array.from({ length: C }, (_, c) => cells.reduce((s, row) => s + row[c], 0));
  const p = protectUnit({
    id: "t", departments: deptTotals.map((total, d) => ({ key: `d${d}`, total })), total: N,
    breakdowns: [{ id: "b", cols: margins.map((_, c) => ({ key: `c${c}` })), cells, margins, additive }],
    threshold: T, secret: SECRET,
  });
  const b = p.breakdowns.get("b")!;
  if (b.withheld) return { N: p.totalHidden ? CHI : N, deptShown: deptTotals.map((n, d) => (p.departmentHidden[d] && n > 0 ? CHI : n)), marginShown: [] as Shown[], rowShown: new Map<number, readonly Shown[]>() };
  return {
    N: p.totalHidden ? CHI : N,
    deptShown: deptTotals.map((n, d) => (p.departmentHidden[d] && n > 0 ? CHI : n)),
    marginShown: margins.map((m, c) => (b.marginHidden[c] ? CHI : m)),
    // Each selectable department's view: its row.
    rowShown: new Map(
      cells.flatMap((row, d) => (p.departmentHidden[d] || deptTotals[d] === 0 ? [] : [[d, row.map((n, c) => (b.cellHidden[d][c] ? CHI : n))] as const])),
    ),
  };
}

type Shown = number | typeof CHI;

/** The least and greatest value of `target` (a sum of cells) consistent with everything shown. */
function range(s: Scenario, view: ReturnType<typeof published>, target: [number, number][], additive = true): [number, number] {
  const D = s.cells.length;
  const C = s.cells[0].length;
  const constraints: Record<string, { equal?: number; min?: number; max?: number }> = {};
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  const v = (d: number, c: number) => `x_${d}_${c}`;
  for (let d = 0; d < D; d++) for (let c = 0; c < C; c++) {
    variables[v(d, c)] = { [`cap_${d}_${c}`]: 1 };
    constraints[`cap_${d}_${c}`] = { max: 10_000 };
    ints[v(d, c)] = 1;
  }
  const add = (name: string, cellsOf: [number, number][], shown: Shown) => {
    for (const [d, c] of cellsOf) variables[v(d, c)][name] = 1;
    constraints[name] = shown === CHI ? { min: 1 } : { equal: shown };
  };
  const all = (d: number) => Array.from({ length: C }, (_, c) => [d, c] as [number, number]);
  const column = (c: number) => Array.from({ length: D }, (_, d) => [d, c] as [number, number]);
  if (additive) {
    view.deptShown.forEach((n, d) => add(`dept_${d}`, all(d), n));
    add("N", Array.from({ length: D }, (_, d) => all(d)).flat(), view.N as Shown);
  }
  view.marginShown.forEach((m, c) => add(`margin_${c}`, column(c), m));
  for (const [d, row] of view.rowShown) row.forEach((n, c) => add(`cell_${d}_${c}`, [[d, c]], n));
  for (const [d, c] of target) variables[v(d, c)].goal = 1;
  const solve = (opType: "min" | "max") => {
    const r = solver.Solve({ optimize: "goal", opType, constraints, variables, ints }) as { feasible: boolean; result: number };
    expect(r.feasible).toBe(true);
    return Math.round(r.result);
  };
  return [solve("min"), solve("max")];
}

function randomScenario(next: () => number, D: number, C: number): Scenario {
  // Mostly small counts, some zeros, a few large: the mix that makes suppression hard.
  const pick = () => {
    const x = next();
    return x < 0.25 ? 0 : x < 0.6 ? 1 + Math.floor(next() * 2) : x < 0.9 ? 3 + Math.floor(next() * 5) : 10 + Math.floor(next() * 30);
  };
  return { cells: Array.from({ length: D }, () => Array.from({ length: C }, pick)) };
}

describe("the protection of a breakdown seen with and without a department filter", () => {
  it.each([
    ["a breakdown that adds up (channel, month …)", true],
    ["a multi-valued breakdown (behaviours), whose columns add up over departments but rows do not", false],
  ])("leaves every hidden count of %s at least two possible values, for random tables", (_, additive) => {
    const next = mulberry32(Number(process.env.DISCLOSURE_SEED ?? 20261204));
    let hiddenChecked = 0;
    for (let k = 0; k < Number(process.env.DISCLOSURE_TABLES ?? 60); k++) {
      const s = randomScenario(next, 3 + Math.floor(next() * 4), 2 + Math.floor(next() * 4));
      const view = published(s, additive as boolean);
      const targets: [string, [number, number][]][] = [];
      view.marginShown.forEach((m, c) => {
        if (m === CHI) targets.push([`margin ${c}`, s.cells.map((_, d) => [d, c] as [number, number])]);
      });
      view.deptShown.forEach((n, d) => {
        if (n === CHI) targets.push([`department ${d}`, s.cells[0].map((_, c) => [d, c] as [number, number])]);
      });
      for (const [d, row] of view.rowShown) row.forEach((n, c) => {
        if (n === CHI) targets.push([`cell ${d},${c}`, [[d, c]]]);
      });
      for (const [name, target] of targets) {
        const [lo, hi] = range(s, view, target, additive as boolean);
        if (hi <= lo) console.log(JSON.stringify({ k, name, lo, hi, cells: s.cells, dept: view.deptShown, margins: view.marginShown, rows: [...view.rowShown] }));
        expect({ k, name, twoOrMore: hi > lo }).toEqual({ k, name, twoOrMore: true });
        hiddenChecked++;
      }
      // And what is shown is true.
      for (const [d, row] of view.rowShown) row.forEach((n, c) => n !== CHI && expect(n).toBe(s.cells[d][c]));
    }
    expect(hiddenChecked).toBeGreaterThan(200);
  }, 120_000);

  it("hides every count of 1 or 2, and shows the others when nothing is small", () => {
    const s = { cells: [[5, 1, 7], [4, 6, 8], [9, 3, 2]] };
    const view = published(s);
    expect(view.rowShown.get(0)![1]).toBe(CHI);
    expect(view.rowShown.get(2)![2]).toBe(CHI);
    const clean = published({ cells: [[5, 4], [6, 7]] });
    expect([...clean.rowShown.values()].flat()).toEqual([5, 4, 6, 7]);
    expect(clean.marginShown).toEqual([11, 11]);
  });

  it("chooses the cell hidden to protect another by the keyed order, not by its value", () => {
    // The same pattern with other values gives the same choice.
    const a = published({ cells: [[1, 5, 9, 20], [6, 7, 8, 9]] });
    const b = published({ cells: [[2, 40, 3, 4], [6, 7, 8, 9]] });
    const pattern = (v: ReturnType<typeof published>) => [...v.rowShown.values()].map((row) => row.map((n) => n === CHI));
    expect(pattern(a)).toEqual(pattern(b));
  });
});
