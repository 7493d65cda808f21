/** Helpers shared by routes for answers that are not pages. */
import type { MessageKey } from "~/i18n/ja";

/** Throws an HTTP error whose body is the message key the error boundary shows. */
export function fail(status: number, key: MessageKey): never {
  throw new Response(key, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** A positive integer id from a URL parameter, or a 404. */
export function idParam(value: string | undefined, notFound: MessageKey): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== value) fail(404, notFound);
  return id;
}

/** Only same-site relative paths are followed after a form post. */
export function safeReturnTo(value: FormDataEntryValue | null, fallback = "/"): string {
  const s = typeof value === "string" ? value : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : fallback;
}
