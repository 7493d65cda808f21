/**
 * The headcount form's fields and how one cell is read (issue 20): pure, so the page (in the browser) and the server
 * name and read the fields alike. Saving is headcounts.server.ts.
 */
import type { Message } from "~/i18n";
import { MAX_YEAR, MIN_YEAR } from "../reports/periods";

/** Larger than any company; keeps a typo of extra zeros out of the rates. */
export const HEADCOUNT_MAX = 1_000_000;

/** A fiscal year as the page's URL or form writes it (`2025`), or null. */
export function parseFiscalYear(text: string | null | undefined): number | null {
  const s = (text ?? "").normalize("NFKC").trim();
  if (!/^\d{4}$/.test(s)) return null;
  const y = Number(s);
  return y >= MIN_YEAR && y <= MAX_YEAR ? y : null;
}

/** The form field of a department's cell. */
export const cellName = (departmentId: number) => `hc_${departmentId}`;

/** One cell as typed: a whole number of people above 0; full-width digits and thousands separators accepted. */
export function parseHeadcount(text: string, department: string): { value: number } | { error: Message } {
  const s = text.normalize("NFKC").trim().replace(/,/g, "");
  if (s === "") return { error: { key: "rates.errors.required", params: { department } } };
  if (!/^\d+$/.test(s)) return { error: { key: "rates.errors.notInteger", params: { department } } };
  const n = Number(s);
  if (n <= 0) return { error: { key: "rates.errors.notPositive", params: { department } } };
  if (n > HEADCOUNT_MAX) return { error: { key: "rates.errors.tooLarge", params: { department, max: HEADCOUNT_MAX.toLocaleString("ja-JP") } } };
  return { value: n };
}
