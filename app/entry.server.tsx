import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/ui/nonce";
import { startDailySweep } from "~/modules/notifications/sweep.server";
import { startReportScheduler as startScheduledReports } from "~/modules/reports/schedules.server";
import { catchUpSearchIndex } from "~/modules/incidents/search-index.server";
import { prepareCube } from "~/modules/analytics/cube.server";
import { getDb } from "~/modules/db.server";

const ABORT_DELAY = 5_000;

/**
 * React 18's streaming renderer encodes into 2,048-byte buffers and, when a multi-byte character does not fit at the
 * end of one, still sends the whole buffer: the unused tail goes out as NUL bytes (facebook/react#24985, fixed in
 * #26228, not released for React 18, which Remix 2 needs). Japanese text (3-byte characters) meets this on most pages.
 * A chunk ends in at most 3 such bytes (a 4-byte character not fitting); HTML never carries a real NUL.
 */
export function withoutTrailingNuls(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--;
      done(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}

/** Streams the document; bots and browsers both get the whole page (no JS is needed to read or submit). */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.cspNonce;
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = withoutTrailingNuls();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Logged for the operator; the user sees the error boundary, never the stack.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * Called by the server once it listens (scripts/start.ts): loads the dashboard's in-memory columns, newest month first,
 * in slices between event-loop turns and after the months a request waits for (about 4 s at 1,000,000 incidents, a
 * few ms for the demo data), so that most users find them loaded. Resolves when they are (never rejects: a failure is
 * printed, and requests load what they need themselves).
 */
export function warmUp(): Promise<void> {
  const started = Date.now();
  return prepareCube(getDb()).then(
    (months) => console.log(`集計用データを読み込みました: ${months} か月 (analytics columns loaded in ${((Date.now() - started) / 1000).toFixed(1)} s)`),
    (e: unknown) => console.error("warming up the analytics columns failed:", e),
  );
}

/**
 * Called by scripts/start.ts once the server listens: the notification sweep (overdue corrective actions, mail
 * retries, daily digests) now and then daily, on this process's connection (issue 19).
 */
export function startNotificationSweep(): void {
  startDailySweep(getDb);
}

/**
 * Called by scripts/start.ts once the server listens: the scheduled reports (issue 20, docs/decisions/0032) — every
 * closed period of an active schedule not yet issued is issued now and then hourly, on this process's connection.
 */
export function startReportScheduler(): void {
  startScheduledReports(getDb);
}

/**
 * Called by the server once it listens: indexes for the text search what an interrupted import left waiting
 * (docs/decisions/0030), in small steps on this thread. Nothing to do after a normal import, which does it itself.
 */
export function catchUpSearch(): Promise<void> {
  return catchUpSearchIndex(getDb(), { stepRows: 2_000 }).then(
    (r) => {
      if (r.indexed) console.log(`検索用の索引に ${r.indexed} 件を追加しました (indexed ${r.indexed} incidents for search)`);
    },
    (e: unknown) => console.error("indexing incidents for search failed (the next import or start tries again):", e),
  );
}
