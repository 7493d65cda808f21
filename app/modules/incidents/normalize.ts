/** Text normalisation shared by clients, departments, headers and code matching. */
import { caseFold } from "unicode-case-folding";

/** Any character outside printable ASCII: only then is Unicode case folding needed (ASCII folds as toLowerCase). */
const NON_ASCII = /[^\x20-\x7e]/;

/**
 * NFKC, trimmed, inner runs of white space folded to one space, then full Unicode case folding (CaseFolding.txt, C and
 * F: "Straße" = "STRASSE", "ΣΊΣΥΦΟΣ" = "σίσυφος"): the key for names (domain.md). Normalised again after folding,
 * because a folded character may decompose.
 */
export function normalizeName(value: string): string {
  const text = value.normalize("NFKC").trim().replace(/\s+/gu, " ");
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return FOLDS.test(text) ? caseFold(text).normalize("NFKC") : text;
}

/**
 * A character case folding changes (Unicode's Changes_When_Casefolded). Most Japanese text has none, and folding it
 * character by character was a tenth of checking an import, for its summaries' duplicate keys (docs/decisions/0030).
 * test/normalize.test.ts checks, for every code point, that one without it folds to itself or its canonical decomposition.
 */
const FOLDS = /\p{Changes_When_Casefolded}/u;

/** Trimmed text or null when empty, for optional free-text fields. */
export function textOrNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const t = value.trim();
  return t === "" ? null : t;
}
