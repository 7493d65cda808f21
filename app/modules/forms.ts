/**
 * Forms, from the posted fields to the one reply a failed action gives (docs/decisions/0013-one-error-path.md):
 * the fields as strings, zod's issues as one message per field, and `FormReply`, the only shape of a form error that
 * an action returns and a page reads (through `useFormReply`, app/components/ui/form-reply.ts).
 */
import type { z } from "zod";
import type { Conflict } from "./concurrency";
import type { AppError, FieldErrors, Message } from "./errors";
import { decodeMessage } from "./validation";

export type { FieldErrors };

/**
 * What a failed form post answers, whatever the form: a message for the whole form (or null), a message per field,
 * and the values as typed so that the form shows them again.
 */
export interface FormReply<V = Record<string, string>> {
  error: Message | null;
  fieldErrors: FieldErrors;
  values?: V;
  /**
   * The server could not take the post now (503: the database busy or unusable) and stored nothing: the form stays as
   * typed, DraftKeeper says why, and the user sends it again. Pages do not treat it as their own failure. The value names
   * the form (DraftKeeper's `id`) whose post it was.
   */
  retry?: string;
  /** A versioned form posted after someone else saved: both versions of the fields that differ (concurrency.ts). */
  conflict?: Conflict;
  /** A versioned form: the version its values were typed against, which it keeps posting (formVersion). */
  version?: number;
}

/**
 * The hidden field DraftKeeper adds to a form whose typed text it keeps: a post with it that meets a 503 gets a
 * `retryReply` (the form stays on screen) instead of the error page (scripts/server.ts).
 */
export const DRAFT_FIELD = "_draft";

/** A form id as DraftKeeper sends it in DRAFT_FIELD (anything else is not echoed back). */
export const DRAFT_FORM_ID = /^[\w-]{1,40}$/;

/** The answer to a kept form's post that the server could not take now (see `FormReply.retry`). */
export function retryReply(error: Message, formId: string): FormReply<never> {
  return { error, fieldErrors: {}, retry: formId };
}

/** Whether an action's data is a retry reply. */
export function isRetryReply(x: unknown): x is FormReply<never> & { retry: string } {
  return isFormReply(x) && typeof (x as FormReply).retry === "string";
}

/** Whether an action's data is a form reply (and not the page's own success data). */
export function isFormReply<T>(x: T): x is Extract<T, { fieldErrors: unknown }> {
  return typeof x === "object" && x !== null && "fieldErrors" in x && "error" in x;
}

/** The reply for an AppError raised while handling the form: its message, or its field errors when it has any. */
export function replyOf<V>(e: AppError, values?: V): FormReply<V> {
  const hasFields = Object.keys(e.fieldErrors).length > 0;
  return { error: hasFields ? null : e.userFacing, fieldErrors: e.fieldErrors, ...(values === undefined ? {} : { values }) };
}

/** Form fields as strings (a missing field is ""), for zod. */
export function formStrings<K extends string>(form: FormData, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, String(form.get(k) ?? "")])) as Record<K, string>;
}

type Path = readonly PropertyKey[];

/**
 * zod's issues as the first message per field (a later issue on the same field is not shown). `fieldOf` names the
 * form field of an issue's path — by default its first segment, "_form" for an issue on the whole value; undefined
 * drops the issue. Messages are dictionary keys (validation.ts `msg`); a message zod wrote itself reads as
 * `error.invalidCode`.
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], fieldOf: (path: Path) => string | undefined = firstSegment): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (field !== undefined) errors[field] ??= decodeMessage(issue.message);
  }
  return errors;
}

function firstSegment(path: Path): string {
  return String(path[0] ?? "_form");
}

/** Field errors with the whole form's message (`_form`) taken out, as a reply. */
export function invalidReply<V>(errors: FieldErrors, values?: V, error: Message | null = null): FormReply<V> {
  const { _form, ...fieldErrors } = errors;
  return { error: error ?? _form ?? null, fieldErrors, ...(values === undefined ? {} : { values }) };
}

export type Parsed<T, V> = { ok: true; data: T } | { ok: false; reply: FormReply<V> };

/**
 * The values parsed by `schema`, or the form's reply: one message per field, and `error` (when given, or when an issue
 * concerns the whole form) for the summary above it.
 */
export function parseForm<S extends z.ZodType, V>(
  schema: S,
  values: V,
  options: { fieldOf?: (path: Path) => string | undefined; error?: Message; input?: unknown } = {},
): Parsed<z.output<S>, V> {
  const parsed = schema.safeParse(options.input ?? values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, reply: invalidReply(fieldErrorsOf(parsed.error.issues, options.fieldOf), values, options.error ?? null) };
}
