/** How figures are written on pages, in reports and in CSV. Pure, for the browser and the server alike. */

/** `0.857…` → `85.7%`; null (nothing applicable) → `—`. */
export function percent(ratio: number | null): string {
  return ratio === null ? "—" : `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
}
