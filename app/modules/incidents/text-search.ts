/**
 * The list's text search (`q`, issue 19, docs/decisions/0026): a part of the 管理番号, the summary or the prevention
 * (再発防止策). Pure: which forms of the typed text to look for and how, no database here.
 *
 * The FTS5 trigram index (migration 0021) finds any substring of 3 or more characters, case-insensitively; a shorter
 * text has no trigram, so it is looked for with LIKE instead (a scan, but still the right answer).
 */

/** Dashes a Japanese keyboard types between the parts of a 管理番号 (ー, −, ‐ …): a ref is stored with `-`. */
const REF_DASHES = /(?<=[A-Za-z0-9])[\u2010-\u2015\u2212\u30fc\uff0d\uff70](?=[A-Za-z0-9])/g;

/**
 * The forms of the typed text to look for, each once: as typed (free text is stored as typed), NFKC (a 管理番号 is
 * stored NFKC: ＫＨ－２０２５ = KH-2025), and with a ref's dashes made `-`. Case is folded by the index and by LIKE.
 */
export function searchForms(q: string): string[] {
  const typed = q.trim();
  if (!typed) return [];
  const nfkc = typed.normalize("NFKC");
  return [...new Set([typed, nfkc, nfkc.replace(REF_DASHES, "-")])];
}

/** The trigram tokenizer only matches text of at least this many characters (code points). */
export const TRIGRAM_MIN = 3;

export const usesIndex = (form: string) => Array.from(form).length >= TRIGRAM_MIN;

/**
 * A form as an FTS5 MATCH phrase: the whole text in double quotes (a `"` inside doubled), so nothing typed is read as
 * query syntax (AND, NEAR, *, column filters, parentheses).
 */
export function ftsPhrase(form: string): string {
  return `"${form.replace(/"/g, '""')}"`;
}

/** `%`, `_` and `\` typed by a user are literal characters, not LIKE wildcards. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
