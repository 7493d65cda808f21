/**
 * Small-group suppression for executives (domain.md): a count below the threshold is shown as "<3", and so is any
 * other cell from which a hidden one could be worked out (complementary suppression).
 */

export type Shown = number | `<${number}`;

export function suppressedLabel(threshold: number): `<${number}` {
  return `<${threshold}`;
}

/** One count on its own (a headline figure): hidden when 1 ≤ n < threshold. Zero is not a person and stays 0. */
export function suppressCount(n: number, threshold: number): Shown {
  return n > 0 && n < threshold ? suppressedLabel(threshold) : n;
}

/**
 * Whether a reader who knows the sum of the hidden cells (the total minus the visible ones) can tell each hidden
 * value. Every "<t" cell reads as 1 … t−1, so the values are pinned when there is one hidden cell, or when the sum is
 * the least (all 1) or the most (all t−1) that many cells can hold. A sum beyond that most shows a larger cell is
 * hidden among them, and then none is pinned.
 */
function pinned(hidden: number[], threshold: number): boolean {
  const k = hidden.length;
  if (k === 0) return false;
  const sum = hidden.reduce((a, b) => a + b, 0);
  return k === 1 || sum === k || sum === k * (threshold - 1);
}

export interface SuppressedTable {
  cells: Shown[];
  /**
   * The published total; when even hiding more cells cannot protect the small ones (e.g. [2, 0, 0]) it is hidden
   * as "<k·(t−1)+1", the least bound true for every value the k hidden cells could have ("<3" for one cell).
   */
  total: Shown;
}

/**
 * The cells of one breakdown and its total, for a table whose cells add up to the total. Small cells are hidden;
 * while the hidden ones could be worked out from the total, the next-smallest visible non-zero cell is hidden too;
 * when no cell is left to hide, the total is hidden.
 */
export function suppressTable(counts: readonly number[], threshold: number): SuppressedTable {
  const hidden = counts.map((n) => n > 0 && n < threshold);
  const hiddenValues = () => counts.filter((_, i) => hidden[i]);
  let totalHidden = false;
  while (pinned(hiddenValues(), threshold)) {
    let pick = -1;
    counts.forEach((n, i) => {
      if (!hidden[i] && n > 0 && (pick < 0 || n < counts[pick])) pick = i;
    });
    if (pick < 0) {
      totalHidden = true;
      break;
    }
    hidden[pick] = true;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    cells: counts.map((n, i) => (hidden[i] ? suppressedLabel(threshold) : n)),
    // A hidden total is shown by a bound that holds for any values the hidden cells could have.
    total: totalHidden ? suppressedLabel(hiddenValues().length * (threshold - 1) + 1) : total,
  };
}

/**
 * The cells of one breakdown. `additive: false` is for a multi-valued field (behaviours, responses, care): its cells
 * do not add up to the total, so none can be recovered by subtraction and only the small cells are hidden.
 */
export function suppressBreakdown(counts: readonly number[], threshold: number, additive = true): Shown[] {
  if (additive) return suppressTable(counts, threshold).cells;
  return counts.map((n) => suppressCount(n, threshold));
}
