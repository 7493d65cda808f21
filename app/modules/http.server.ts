/**
 * How an error reaches the user (docs/decisions/0013-one-error-path.md): an AppError thrown by a loader or an action
 * becomes a Response here (scripts/server.ts does it for every route), which the root error boundary shows as a page;
 * an action that answers on its own form turns it into the one `FormReply` instead.
 */
import { data } from "@remix-run/node";
import type { MessageKey } from "~/i18n";
import { postedVersion, type Conflict } from "./concurrency";
import { AppError, isAppError, type AppErrorOptions, type Message } from "./errors";
import { invalidReply, isFormReply, replyOf, type FieldErrors, type FormReply } from "./forms";

/** Throws the AppError of an HTTP status and the message key the error boundary shows. */
export function fail(status: number, key: MessageKey, options?: AppErrorOptions): never {
  throw new AppError(status, key, options);
}

/**
 * An AppError as the Response a loader or action throws: its status, and its message as the body — the key as plain
 * text (what a resource route's client reads), or `{ key, params }` as JSON when it has parameters.
 */
export function errorResponse(e: AppError): Response {
  const message = e.userFacing;
  return message.params
    ? new Response(JSON.stringify(message), { status: e.status, headers: { "Content-Type": "application/json; charset=utf-8" } })
    : new Response(message.key, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Any error a loader or action let through, with an AppError turned into its Response; anything else unchanged. */
export function toThrowable(e: unknown): unknown {
  return isAppError(e) ? errorResponse(e) : e;
}

/** A failed form post's answer: the reply with its status (422 unless said otherwise). */
export function formFailure<V>(reply: FormReply<V>, status = 422) {
  return data(reply, { status });
}

/** A failed form post whose message concerns the whole form, not a field: the reply with its status. */
export function formError(status: number, error: Message) {
  return formFailure({ error, fieldErrors: {} }, status);
}

/** Field errors (and the whole form's `_form`, or `error` for the summary) as the form's answer (422). */
export function invalidForm<V>(errors: FieldErrors, values?: V, error: Message | null = null) {
  return formFailure(invalidReply(errors, values, error));
}

/**
 * An AppError met while handling a form as the form's answer, with its status (or `status` when the page answers all
 * of them alike); any other error is thrown on.
 */
export function replyWithError<V>(e: unknown, values?: V, status?: number) {
  if (!isAppError(e)) throw e;
  return formFailure(replyOf(e, values), status ?? e.status);
}

/**
 * A stale form's answer (409): nothing was written; the values as typed, which the form shows again, and both versions
 * of the fields that differ, which the conflict panel shows. The form posts the stored version from now on.
 */
export function conflictReply<V>(values: V, conflict: Conflict) {
  return formFailure<V>({ error: { key: "concurrency.conflict" }, fieldErrors: {}, values, conflict, version: conflict.version }, 409);
}

/**
 * A versioned form's failed answer, saying which version its typed values were typed against (`version`, when the
 * post had one), so the form keeps posting it (formVersion). Any other answer is returned as it is.
 */
export function atVersion<T>(version: number | undefined, answer: T): T {
  if (version === undefined || !(answer instanceof Object) || !("data" in answer) || !("init" in answer)) return answer;
  const { data: reply, init } = answer as { data: unknown; init: ResponseInit | null };
  if (!isFormReply(reply) || (reply as FormReply).conflict) return answer;
  return data({ ...(reply as FormReply), version }, init ?? undefined) as T;
}

/**
 * A versioned form's failed save as its answer: the conflict with what is stored (409), or the field errors (422) at
 * the version the form posted.
 */
export function failedSave<V>(form: FormData, failed: { errors: FieldErrors; values: V; conflict?: Conflict }, error: Message | null = null) {
  if (failed.conflict) return conflictReply(failed.values, failed.conflict);
  return atVersion(postedVersion(form), invalidForm(failed.errors, failed.values, error));
}

/** A positive integer id from a URL parameter, or a 404. */
export function idParam(value: string | undefined, notFound: MessageKey): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== value) fail(404, notFound);
  return id;
}

/**
 * Only same-site relative paths are followed after a form post. The path goes into a Location header, so it is
 * returned as the URL parser writes it (percent-encoded): a header cannot carry control characters or non-ASCII text.
 */
export function safeReturnTo(value: FormDataEntryValue | null, fallback = "/"): string {
  const s = typeof value === "string" ? value : "";
  if (!s.startsWith("/") || s.startsWith("//") || s.startsWith("/\\") || s.length > 2000) return fallback;
  try {
    const base = "http://return.invalid";
    const url = new URL(s, base);
    // The parser decides, not the raw text: "/.//evil.example" and "/%2e//x" become the path "//evil.example", which a
    // browser reads as another site (issue 18). Whatever the path became, it must still be one path on this site.
    if (url.origin !== base || url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/** What a multipart form adds to its file: the other fields, the boundaries and headers of each part. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;

/** A multipart body larger than the form allows (readMultipartForm). */
export class BodyTooLarge extends Error {
  constructor() {
    super("the body is larger than allowed");
  }
}

/**
 * A posted form with files, read by the platform's own parser: a file may be called "a=b.csv" or "x;y.csv" (Remix's
 * multipart parser refused such names as malformed, so the file could not be uploaded at all, issue 18). At most
 * `maxBytes` of body are read: more throws BodyTooLarge, as soon as the declared length or the bytes read say so.
 * A body that is not a multipart form throws the 400 page's error.
 */
export async function readMultipartForm(request: Request, maxBytes: number): Promise<FormData> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLarge();
  let read = 0;
  const limited = request.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) controller.error(new BodyTooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const copy = new Request(request.url, { method: "POST", headers: request.headers, body: limited, duplex: "half" } as RequestInit);
  try {
    return await copy.formData();
  } catch (e) {
    if (read > maxBytes) throw new BodyTooLarge();
    throw new AppError(400, "error.badForm", { cause: e });
  }
}

/**
 * The posted form of a page without file inputs. A body that cannot be read as a form (a broken multipart body, a
 * content type that is not a form) or that carries a file is answered with the 400 page, not a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    fail(400, "error.badForm");
  }
  for (const value of form.values()) if (typeof value !== "string") fail(400, "error.badForm");
  return form;
}
