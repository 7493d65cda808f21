/**
 * Disclosure control for executives (domain.md; docs/decisions/0022): which counts of a table are hidden (χ) so that
 * none of the hidden ones can be worked out from what is shown.
 *
 * A table here is what an executive can see of one breakdown B of a period: its cells per department (the rows; one
 * department's view shows one row), the unfiltered breakdown (the margins, one per column), each department's total and
 * the period's total N. Seen together these are a two-way table with margins, which is the attack surface: an attacker
 * who has every view can add up a column over the departments, or subtract a row's shown cells from its total.
 *
 * The check is exact for such a table. Every row, column and the margin row is an equation (cells add up to a known or
 * hidden total). A hidden count keeps at least two possible values if and only if some change of +1 and −1 along a
 * cycle of hidden entries, alternating between rows and columns, keeps every equation and every hidden count at least
 * 1 (a shown 0 says the others are not 0). That is a path search in a small directed graph, per hidden entry.
 *
 * Which visible cell is hidden to protect a small one: the one that leaves the fewest counts that could be worked out,
 * ties broken by a keyed hash of the cell's name (a secret of the installation), never by the size of a value.
 */
import { createHmac } from "node:crypto";
import { CHI, type Shown } from "./suppression";

export { CHI, type Shown };

export interface ProtectInput {
  /** Names the table in the keyed order (period, breakdown). */
  id: string;
  /**
   * The departments' rows, each with its total. `shown: false` is the departments an executive cannot select (their
   * own count is hidden), merged into one row: its cells are never shown, and its total is N minus the others'.
   */
  rows: { key: string; total: number; shown: boolean }[];
  cols: { key: string }[];
  /** cells[r][c]. */
  cells: number[][];
  /** The unfiltered breakdown: one count per column (the column's sum over the rows when there are rows). */
  margins: number[];
  /** The period's total N. */
  total: number;
  /** Each incident counts in one column (channel, month …): a row's cells add up to its total, the margins to N. */
  additive: boolean;
  threshold: number;
  secret: string;
  /** Margins to hide whatever their value (departments a breakdown could not protect while shown). */
  marginsForced?: boolean[];
  /** Margins published elsewhere as they are (a month's total): never hidden to protect another count. */
  marginsFixed?: boolean[];
}

export interface Protected {
  /** hidden[r][c]: the cell is shown as χ (every cell of a row with `shown: false` is hidden). */
  hidden: boolean[][];
  marginHidden: boolean[];
  /** The period's total is below the threshold: every count is hidden. */
  totalHidden: boolean;
  /** Not even hiding every count protects the small ones while the total is shown: the breakdown is not published. */
  withheld?: boolean;
  /** A department whose row cannot be protected while its count is shown (e.g. 1, 1, 1 of a total of 3). */
  failedRow?: string;
}

/** How many candidates are tried for each count hidden to protect another (the first in the keyed order). */
const MAX_CANDIDATES = 24;

/** Entry kinds: a cell of a row, a margin (the unfiltered count of a column). */
type Entry = { kind: "cell"; r: number; c: number } | { kind: "margin"; c: number };

/**
 * The hidden entries after protection. Small counts (1 … threshold−1) are hidden; then, while some hidden count could
 * be worked out, one more is hidden: among the shown non-zero counts of the rows and columns of those that could, the
 * one after which the fewest still could, ties broken by the keyed order.
 */
export function protectTable(input: ProtectInput): Protected {
  const { rows, cols, cells, margins, total, threshold } = input;
  const R = rows.length;
  const C = cols.length;
  const small = (n: number) => n > 0 && n < threshold;
  if (small(total)) {
    // Everything adds up to fewer than the threshold: every non-zero count is small.
    return {
      hidden: cells.map((row) => row.map((n) => n > 0)),
      marginHidden: margins.map((n) => n > 0),
      totalHidden: true,
    };
  }
  const hidden = cells.map((row, r) => row.map((n) => !rows[r].shown || small(n)));
  const marginHidden = margins.map((n, c) => small(n) || (!!input.marginsForced?.[c] && n > 0));
  const order = keyedOrder(input);

  const pinnedOf = () => {
    const graph = residualGraph(input, hidden, marginHidden);
    return mustProtect(input, hidden, marginHidden).filter((e) => !hasTwoValues(graph, e, input));
  };
  const set = (e: Entry, to: boolean) => (e.kind === "cell" ? (hidden[e.r][e.c] = to) : (marginHidden[e.c] = to));
  for (let guard = 0; guard <= R * C + C; guard++) {
    const pinned = pinnedOf();
    if (pinned.length === 0) return { hidden, marginHidden, totalHidden: false };
    const first = pinned[0];
    // The candidates: shown non-zero counts in the row or column of any pinned count, in the keyed order. The best is
    // the one after which the fewest counts stay pinned, not pinned itself (a cell its row alone gives away never
    // protects anything); ties go to the keyed order, never to a value.
    const seen = new Set<string>();
    const candidates: Entry[] = [];
    for (const e of pinned) {
      for (const c of complementsFor(e, input, hidden, marginHidden)) {
        const name = c.kind === "cell" ? `${c.r}|${c.c}` : `*|${c.c}`;
        if (!seen.has(name) && !hopeless(c, input)) {
          seen.add(name);
          candidates.push(c);
        }
      }
    }
    candidates.sort((a, b) => order(a) - order(b));
    if (candidates.length === 0) break;
    let pick: Entry | null = null;
    let best = [Infinity, Infinity];
    for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
      set(candidate, true);
      const after = pinnedOf();
      set(candidate, false);
      const score = [after.some((e) => same(e, candidate)) ? 1 : 0, after.length];
      if (score[0] < best[0] || (score[0] === best[0] && score[1] < best[1])) {
        best = score;
        pick = candidate;
      }
      if (score[0] === 0 && score[1] === 0) break;
    }
    if (!pick) return failed(first);
    set(pick, true);
  }
  return failed(pinnedOf()[0]);

  /**
   * What could not be protected: a department's row (its count must then be hidden, and the caller runs again without
   * it), or the breakdown itself (it is then not published at all).
   */
  function failed(e: Entry): Protected {
    const all = { hidden: cells.map((row) => row.map((n) => n > 0)), marginHidden: margins.map((n) => n > 0) };
    if (e.kind === "cell" && rows[e.r].shown) return { ...all, totalHidden: false, failedRow: rows[e.r].key };
    return { ...all, totalHidden: false, withheld: true };
  }
}

/** A count its own row gives away whatever else is hidden: the only non-zero cell of a row that adds up to a known total. */
function hopeless(e: Entry, input: ProtectInput): boolean {
  if (!input.additive) return false;
  const row = e.kind === "cell" ? input.cells[e.r] : input.margins;
  return row.filter((n) => n > 0).length < 2;
}

const same = (a: Entry, b: Entry) => a.kind === b.kind && a.c === b.c && (a.kind === "margin" || a.r === (b as { r: number }).r);

/** One breakdown of a period as an executive may see it: per department (a filtered view) and unfiltered. */
export interface BreakdownInput {
  id: string;
  cols: { key: string }[];
  /** cells[d][c]: department d's count in column c (departments as in UnitInput). */
  cells: number[][];
  /** The unfiltered counts (the column sums). */
  margins: number[];
  additive: boolean;
  /** Shown without a department filter only (no department's row is ever shown). */
  unfilteredOnly?: boolean;
  /** Margins published elsewhere as they are (see ProtectInput). */
  marginsFixed?: boolean[];
}

export interface UnitInput {
  /** The period, naming the tables in the keyed order. */
  id: string;
  departments: { key: string; total: number }[];
  total: number;
  breakdowns: BreakdownInput[];
  threshold: number;
  secret: string;
}

export interface UnitProtection {
  /** The period's total is hidden, and with it every count of the period (a tiny period). */
  totalHidden: boolean;
  /** A department's count is hidden; an executive cannot select it, and its rows are never shown. */
  departmentHidden: boolean[];
  /** Per breakdown: hidden cells and margins, or `withheld` when it cannot be published at all. */
  breakdowns: Map<string, { cellHidden: boolean[][]; marginHidden: boolean[]; withheld: boolean }>;
}

/**
 * Protects every table an executive can see of one period (docs/decisions/0022): the department table first (it
 * decides which departments can be selected), then each breakdown as the two-way table of the selectable departments,
 * the others merged into one row never shown, and the unfiltered counts. A department whose row cannot be protected
 * while its count is shown has its count hidden, and everything is decided again.
 */
export function protectUnit(u: UnitInput): UnitProtection {
  const D = u.departments.length;
  const forced = new Array<boolean>(D).fill(false);
  const everything = (): UnitProtection => ({
    totalHidden: true,
    departmentHidden: u.departments.map((d) => d.total > 0),
    breakdowns: new Map(u.breakdowns.map((b) => [b.id, { cellHidden: b.cells.map((row) => row.map((n) => n > 0)), marginHidden: b.margins.map((n) => n > 0), withheld: false }])),
  });
  for (let round = 0; round <= D; round++) {
    const depts = protectTable({
      id: `${u.id}|department`, rows: [], cols: u.departments.map((d) => ({ key: d.key })), cells: [],
      margins: u.departments.map((d) => d.total), total: u.total, additive: true, threshold: u.threshold, secret: u.secret, marginsForced: forced,
    });
    if (depts.totalHidden) return everything();
    // A department table that cannot be protected: no department is shown or selectable.
    const viewable = u.departments.map((_, d) => !depts.withheld && !depts.marginHidden[d]);
    const merged = u.departments.map((_, d) => d).filter((d) => !viewable[d] && u.departments[d].total > 0);
    const result: UnitProtection = { totalHidden: false, departmentHidden: viewable.map((v, d) => !v && u.departments[d].total > 0), breakdowns: new Map() };
    let again = false;
    for (const b of u.breakdowns) {
      const shownRows = b.unfilteredOnly ? [] : u.departments.map((_, d) => d).filter((d) => viewable[d]);
      const rows: ProtectInput["rows"] = shownRows.map((d) => ({ key: u.departments[d].key, total: u.departments[d].total, shown: true }));
      const cells = shownRows.map((d) => b.cells[d]);
      if (!b.unfilteredOnly && merged.length) {
        rows.push({ key: "*", total: merged.reduce((sum, d) => sum + u.departments[d].total, 0), shown: false });
        cells.push(b.cols.map((_, c) => merged.reduce((sum, d) => sum + b.cells[d][c], 0)));
      }
      const p = protectTable({
        id: `${u.id}|${b.id}`, rows, cols: b.cols, cells, margins: b.margins, total: u.total, additive: b.additive, threshold: u.threshold,
        secret: u.secret, marginsFixed: b.marginsFixed,
      });
      if (p.totalHidden) return everything();
      if (p.withheld) {
        result.breakdowns.set(b.id, { cellHidden: b.cells.map((row) => row.map(() => true)), marginHidden: b.margins.map(() => true), withheld: true });
        continue;
      }
      if (p.failedRow !== undefined) {
        forced[u.departments.findIndex((d) => d.key === p.failedRow)] = true;
        again = true;
        break;
      }
      const cellHidden = u.departments.map((_, d) => {
        const at = shownRows.indexOf(d);
        return at < 0 ? b.cols.map(() => true) : p.hidden[at];
      });
      result.breakdowns.set(b.id, { cellHidden, marginHidden: p.marginHidden, withheld: false });
    }
    if (!again) return result;
  }
  return everything();
}

/** The entries whose values must keep two possible values: every hidden count shown as χ, and small merged ones. */
function mustProtect(input: ProtectInput, hidden: boolean[][], marginHidden: boolean[]): Entry[] {
  const out: Entry[] = [];
  input.margins.forEach((m, c) => {
    if (marginHidden[c] && m > 0) out.push({ kind: "margin", c });
  });
  input.cells.forEach((row, r) =>
    row.forEach((n, c) => {
      // A merged row's cells are never shown; only a small one among them could tell about few incidents.
      if (hidden[r][c] && n > 0 && (input.rows[r].shown || n < input.threshold)) out.push({ kind: "cell", r, c });
    }),
  );
  return out;
}

/** Shown non-zero counts in the same row or column as a pinned entry (and the column's margin). */
function complementsFor(e: Entry, input: ProtectInput, hidden: boolean[][], marginHidden: boolean[]): Entry[] {
  const out: Entry[] = [];
  const { cells, margins } = input;
  const c = e.c;
  // The same column: the other rows' cells and the margin.
  cells.forEach((row, r) => {
    if (!hidden[r][c] && row[c] > 0 && !(e.kind === "cell" && e.r === r)) out.push({ kind: "cell", r, c });
  });
  if (e.kind === "cell" && !marginHidden[c] && margins[c] > 0 && !input.marginsFixed?.[c]) out.push({ kind: "margin", c });
  if (e.kind === "cell") {
    cells[e.r].forEach((n, k) => {
      if (k !== c && !hidden[e.r][k] && n > 0) out.push({ kind: "cell", r: e.r, c: k });
    });
  } else {
    // A margin's row is the unfiltered breakdown.
    margins.forEach((m, k) => {
      if (k !== c && !marginHidden[k] && m > 0 && !input.marginsFixed?.[k]) out.push({ kind: "margin", c: k });
    });
  }
  return out;
}

/** A value-independent order of the entries: an HMAC of the table's and the entry's names under the secret. */
function keyedOrder(input: ProtectInput): (e: Entry) => number {
  const cache = new Map<string, number>();
  return (e) => {
    const name = e.kind === "cell" ? `${input.id}|${input.rows[e.r].key}|${input.cols[e.c].key}` : `${input.id}|*|${input.cols[e.c].key}`;
    let v = cache.get(name);
    if (v === undefined) {
      v = createHmac("sha256", input.secret).update(name).digest().readUIntBE(0, 6);
      cache.set(name, v);
    }
    return v;
  };
}

/**
 * Nodes: rows 0…R−1, the margin row M = R, columns R+1 … R+C, and Z, the node every equation that does not hold is
 * joined to (a row of a multi-valued breakdown has no sum; columns have none when there are no rows).
 * Edges: for a hidden entry, row → column when its value may go up by one, column → row when it may go down by one
 * (for a margin, the signs are the other way round: it is subtracted in its column's equation).
 */
interface Graph {
  adjacency: number[][];
  R: number;
  C: number;
}

function residualGraph(input: ProtectInput, hidden: boolean[][], marginHidden: boolean[]): Graph {
  const R = input.rows.length;
  const C = input.cols.length;
  const M = R;
  const col = (c: number) => R + 1 + c;
  const Z = R + 1 + C;
  const adjacency: number[][] = Array.from({ length: Z + 1 }, () => []);
  const edge = (a: number, b: number) => adjacency[a].push(b);
  input.cells.forEach((row, r) =>
    row.forEach((n, c) => {
      if (!hidden[r][c]) return;
      edge(r, col(c)); // up: always
      if (n > lowerBound(input, r)) edge(col(c), r); // down: while above its least value
    }),
  );
  input.margins.forEach((m, c) => {
    if (!marginHidden[c]) return;
    if (m > 1) edge(M, col(c)); // the margin down (its Y = −m up)
    edge(col(c), M); // the margin up
  });
  const free = (node: number) => {
    edge(node, Z);
    edge(Z, node);
  };
  if (!input.additive) {
    for (let r = 0; r < R; r++) free(r);
    free(M);
  }
  if (R === 0) for (let c = 0; c < C; c++) free(col(c));
  return { adjacency, R, C };
}

/** A hidden cell shown as χ is at least 1; a cell of the merged row, never shown, may be 0. */
function lowerBound(input: ProtectInput, r: number): number {
  return input.rows[r].shown ? 1 : 0;
}

function hasTwoValues(g: Graph, e: Entry, input: ProtectInput): boolean {
  const rowNode = e.kind === "cell" ? e.r : g.R;
  const colNode = g.R + 1 + e.c;
  const value = e.kind === "cell" ? input.cells[e.r][e.c] : input.margins[e.c];
  // The entry's own two edges are left out of the search: the cycle must close through the others.
  const up = e.kind === "cell" ? true : value > 1;
  const down = e.kind === "cell" ? value > lowerBound(input, e.r) : true;
  return (up && reaches(g, colNode, rowNode, rowNode, colNode)) || (down && reaches(g, rowNode, colNode, rowNode, colNode));
}

/** Whether `to` can be reached from `from` without the edges between `a` and `b` (the entry under test). */
function reaches(g: Graph, from: number, to: number, a: number, b: number): boolean {
  const seen = new Uint8Array(g.adjacency.length);
  const stack = [from];
  seen[from] = 1;
  while (stack.length) {
    const n = stack.pop()!;
    for (const m of g.adjacency[n]) {
      if ((n === a && m === b) || (n === b && m === a)) continue;
      if (m === to) return true;
      if (!seen[m]) {
        seen[m] = 1;
        stack.push(m);
      }
    }
  }
  return false;
}

/** A count as an executive sees it. */
export function shown(n: number, isHidden: boolean): Shown {
  return isHidden ? CHI : n;
}
