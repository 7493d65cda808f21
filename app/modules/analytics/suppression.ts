/**
 * How a hidden count is written for executives (domain.md): one symbol, χ, whatever hid it (fewer than the threshold,
 * or a count that would give another away). Which counts are hidden is decided by disclosure.server.ts; this module
 * is the type the pages and charts share.
 */

/** The one symbol of every hidden count. */
export const CHI = "χ";

export type Shown = number | typeof CHI;
