/** Text normalisation shared by clients, departments, headers and code matching. */

/** NFKC, trimmed, inner runs of white space folded to one space, case folded: the key for names. */
export function normalizeName(value: string): string {
  return value.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase();
}

/** Trimmed text or null when empty, for optional free-text fields. */
export function textOrNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const t = value.trim();
  return t === "" ? null : t;
}
