/**
 * What every schema shares: messages as dictionary keys (docs/decisions/0002), and the one rule on the characters
 * free text may hold — the web forms, the importer's rows and the seed all go through it.
 */
import { z } from "zod";
import type { Message } from "~/i18n";
import type { MessageKey } from "~/i18n";
import { isValidDay } from "./incidents/dates";

/** A zod message carrying an i18n key and its parameters. */
export function msg(key: MessageKey, params?: Message["params"]): string {
  return JSON.stringify(params ? { key, params } : { key });
}

export function decodeMessage(text: string): Message {
  try {
    const m = JSON.parse(text) as Message;
    if (m && typeof m.key === "string") return m;
  } catch {
    /* a message zod wrote itself */
  }
  return { key: "error.invalidCode" };
}

/*
 * Refused in any text: C0 and C1 control characters and DEL (NUL, BEL, ESC… nobody types them; they break CSV
 * exports, terminals and other programs reading the data), lone surrogates (not Unicode: they cannot be written as
 * UTF-8), the non-characters U+FFFE/U+FFFF, and U+FFFD — what invalid UTF-8 in a form or a file decodes to: the text
 * was garbled on its way and storing it would keep the damage. Tab and line breaks only where a field has lines.
 */
const FORBIDDEN_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;
const FORBIDDEN_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;

/** Whether text holds a character no field accepts (with `multiline`, tab and line breaks are fine). */
export function hasForbiddenCharacters(text: string, multiline = false): boolean {
  // With the `u` flag a surrogate range matches only a surrogate that is not half of a pair.
  return (multiline ? FORBIDDEN_MULTI_LINE : FORBIDDEN_ONE_LINE).test(text);
}

/** The text with each forbidden character (one-line rule) replaced, for names that come from files, not from typing. */
export function replaceForbiddenCharacters(text: string, replacement: string): string {
  return text.replace(new RegExp(FORBIDDEN_ONE_LINE.source, "gu"), replacement);
}

/**
 * A string of free text as typed: refuses the characters above with `error.forbiddenCharacters` before any other rule
 * runs (a garbled value gets that message, not "too long"). Start every free-text field's schema with it.
 */
export function plainText(opts: { multiline?: boolean } = {}) {
  const multiline = opts.multiline ?? false;
  return z.string().refine((s) => !hasForbiddenCharacters(s, multiline), { message: msg("error.forbiddenCharacters"), abort: true });
}

/** A real calendar day written `YYYY-MM-DD`. */
export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && isValidDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

/**
 * A form's calendar day (`YYYY-MM-DD`, full-width digits read) not after `today` (Asia/Tokyo): "" is null, or refused
 * with `requiredKey` when the day is required.
 */
export function pastDay(today: string, requiredKey: MessageKey | null) {
  return z
    .string()
    .transform((s) => s.normalize("NFKC").trim())
    .superRefine((s, ctx) => {
      if (s === "") {
        if (requiredKey) ctx.addIssue({ code: "custom", message: msg(requiredKey) });
        return;
      }
      if (!isDay(s)) ctx.addIssue({ code: "custom", message: msg("error.invalidDate") });
      else if (s > today) ctx.addIssue({ code: "custom", message: msg("error.futureDate", { today }) });
    })
    .transform((s) => (s === "" ? null : s));
}
