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
  return NON_ASCII.test(text) ? caseFold(text).normalize("NFKC") : text.toLowerCase();
}

/** Trimmed text or null when empty, for optional free-text fields. */
export function textOrNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const t = value.trim();
  return t === "" ? null : t;
}
