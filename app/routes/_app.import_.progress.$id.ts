import type { LoaderFunctionArgs } from "@remix-run/node";
import { fail } from "~/modules/http.server";
import { requireUser } from "~/modules/auth/guard.server";
import { watchProgress } from "~/modules/import/progress-registry.server";
import type { ImportProgress } from "~/modules/import/progress";

/** A comment line now and then keeps proxies and the browser from closing a stream that is quiet for long. */
const KEEPALIVE_MS = 15_000;

/**
 * How far an import of this user is, as Server-Sent Events (docs/decisions/0020): `progress` events with the report
 * (progress.ts), then one `done` event, after which the stream ends. The import page opens it when its form is
 * submitted, with the id the form carries. Refused before any byte is sent, as an ordinary error answer: an id of the
 * wrong shape (400), another user's id (403).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.import");
  // Reports that come before the stream is set up (the last one, given at once) wait here.
  const early: [ImportProgress | null, boolean][] = [];
  let deliver: (progress: ImportProgress | null, done: boolean) => void = (p, d) => void early.push([p, d]);
  const watched = watchProgress(params.id ?? "", user.id, (p, d) => deliver(p, d));
  if (!watched.ok) {
    if (watched.reason === "malformed") fail(400, "error.badRequest");
    if (watched.reason === "forbidden") fail(403, "error.forbidden");
    fail(503, "error.busy");
  }

  const encoder = new TextEncoder();
  let closed = false;
  let keepalive: ReturnType<typeof setInterval> | undefined;
  const stop = (controller?: ReadableStreamDefaultController<Uint8Array>) => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    watched.unsubscribe();
    request.signal.removeEventListener("abort", onAbort);
    try {
      controller?.close();
    } catch {
      // The client went away first.
    }
  };
  const onAbort = () => stop();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(controller);
        }
      };
      // The browser waits this long before it reconnects after a dropped connection.
      send("retry: 2000\n\n");
      deliver = (progress, done) => {
        if (progress) send(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`);
        if (done) {
          send("event: done\ndata: {}\n\n");
          stop(controller);
        }
      };
      for (const [p, d] of early.splice(0)) deliver(p, d);
      if (!closed) keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
    },
    cancel() {
      stop();
    },
  });
  request.signal.addEventListener("abort", onAbort);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-store",
      // nginx and other proxies: pass each event on at once.
      "X-Accel-Buffering": "no",
    },
  });
}
