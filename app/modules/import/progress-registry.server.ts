/**
 * The imports running on this server and how far each is, for the page's progress bar (docs/decisions/0020). In
 * memory: a report is worth something only while its import runs, and a restart ends the import anyway.
 *
 * The page makes a random id per submission and sends it with the form (`progressId`); it opens the progress stream
 * (routes/_app.import_.progress.$id.ts) at the same moment, so either may come first. Whoever comes first makes the
 * entry, owned by the signed-in user; an id another user owns is refused to the stream and not reported to by the
 * import. Entries go after a few minutes once done, or after a while if no import ever came.
 */
import { type ImportProgress, isProgressId, type OnImportProgress } from "./progress";

/** A finished import's last report stays this long (a stream that connects late still sees the end). */
const KEEP_DONE_MS = 2 * 60_000;
/** An entry no import reported to (the form failed before the import, the stream was opened alone) goes after this. */
const KEEP_PENDING_MS = 10 * 60_000;
/** Bounds, so that a client making ids in a loop cannot fill the memory. */
const MAX_ENTRIES = 2_000;
const MAX_PER_USER = 20;

type Listener = (progress: ImportProgress | null, done: boolean) => void;

interface Entry {
  userId: number;
  progress: ImportProgress | null;
  done: boolean;
  /** An import reports to it (only one may). */
  claimed: boolean;
  listeners: Set<Listener>;
  expiresAt: number;
}

const entries = new Map<string, Entry>();

function sweep(now: number): void {
  for (const [id, e] of entries) if (e.expiresAt <= now && e.listeners.size === 0) entries.delete(id);
}

/** The entry of `id` for `userId`, made if there is none; or why not: another user holds it, or there is no room. */
function entryFor(id: string, userId: number, now = Date.now()): Entry | "forbidden" | "full" {
  sweep(now);
  const found = entries.get(id);
  if (found) return found.userId === userId ? found : "forbidden";
  const own = [...entries.entries()].filter(([, e]) => e.userId === userId);
  if (own.length >= MAX_PER_USER) {
    // The user's oldest entry without a listener makes room (a page reloaded many times).
    const oldest = own.find(([, e]) => e.listeners.size === 0);
    if (!oldest) return "full";
    entries.delete(oldest[0]);
  }
  if (entries.size >= MAX_ENTRIES) return "full";
  const entry: Entry = { userId, progress: null, done: false, claimed: false, listeners: new Set(), expiresAt: now + KEEP_PENDING_MS };
  entries.set(id, entry);
  return entry;
}

export interface ProgressReporter {
  report: OnImportProgress;
  /** The import ended (answered or failed): listeners are told and the entry is kept a little longer. */
  finish: () => void;
}

/**
 * A reporter for the import of a form that carried `progressId`; undefined when it carried none, one of the wrong
 * shape, or the id of another user or of an import already reported to (the import then runs without a bar).
 */
export function reporterFor(progressId: FormDataEntryValue | null, userId: number | null): ProgressReporter | undefined {
  if (userId === null || !isProgressId(progressId)) return undefined;
  const entry = entryFor(progressId, userId);
  if (typeof entry === "string" || entry.claimed) return undefined;
  entry.claimed = true;
  entry.expiresAt = Infinity;
  const tell = () => {
    for (const l of entry.listeners) l(entry.progress, entry.done);
  };
  return {
    report: (p) => {
      if (entry.done) return;
      entry.progress = p;
      tell();
    },
    finish: () => {
      if (entry.done) return;
      entry.done = true;
      entry.expiresAt = Date.now() + KEEP_DONE_MS;
      tell();
    },
  };
}

export type WatchResult = { ok: true; unsubscribe: () => void } | { ok: false; reason: "malformed" | "forbidden" | "full" };

/**
 * Follows the import of `id` for the user `userId`: `listener` gets the last report at once (if any), then every new
 * one, and `done` once it has ended. Another user's id is "forbidden"; an unknown one is waited for.
 */
export function watchProgress(id: string, userId: number, listener: Listener): WatchResult {
  if (!isProgressId(id)) return { ok: false, reason: "malformed" };
  const entry = entryFor(id, userId);
  if (typeof entry === "string") return { ok: false, reason: entry };
  entry.listeners.add(listener);
  if (entry.progress || entry.done) listener(entry.progress, entry.done);
  return {
    ok: true,
    unsubscribe: () => {
      entry.listeners.delete(listener);
      if (!entry.claimed) entry.expiresAt = Math.min(entry.expiresAt, Date.now() + KEEP_PENDING_MS);
    },
  };
}

/** For the tests: forget every entry. */
export function clearProgressRegistry(): void {
  entries.clear();
}
