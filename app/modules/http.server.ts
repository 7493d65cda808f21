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
    return url.origin === base ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
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
