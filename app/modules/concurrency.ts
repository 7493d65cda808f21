/**
 * Optimistic concurrency for the edit forms (issue 18). Every edited row has a `version` (migration 0018), which moves
 * on with every update whoever writes it (the form, an import with --update, retention, a merge). A form posts the
 * version it was opened at; its write checks that version inside the write's transaction and refuses a stale form
 * (StaleVersion, 409) instead of writing over what someone else saved meanwhile. The page then shows both versions —
 * what the user typed, kept in the form, and what is stored now — and from then on posts the stored version, so saving
 * again is the user's deliberate choice. No server imports: the conflict panel reads these types.
 */
import { AppError } from "./errors";

/** The hidden field every versioned form posts. */
export const VERSION_FIELD = "version";

/** A form opened at another version than the stored one: nothing was written. */
export class StaleVersion extends AppError {
  constructor() {
    super(409, "concurrency.conflict", { logMessage: "stale form version" });
  }
}

/**
 * The version a form posted. A form without one (a page from before versions, a hand-made post) is refused with a 400
 * rather than saved over whatever is stored.
 */
export function parseVersion(posted: FormDataEntryValue | null): number {
  if (typeof posted !== "string" || !/^(0|[1-9]\d{0,14})$/.test(posted)) throw new AppError(400, "concurrency.errors.versionMissing");
  return Number(posted);
}

/** The version the form posted, for echoing in a failed reply; undefined when it posted none that reads as one. */
export function postedVersion(form: FormData): number | undefined {
  try {
    return parseVersion(form.get(VERSION_FIELD));
  } catch {
    return undefined;
  }
}

/**
 * Refuses the write of a form opened at another version than `stored` (a row that is gone has none). `expected`
 * undefined is a write that comes from no form (a script, the seed, a test of something else): it is not checked.
 * Call it inside the write's transaction, before writing.
 */
export function checkVersion(stored: number | undefined, expected: number | undefined): void {
  if (expected !== undefined && stored !== expected) throw new StaleVersion();
}

/** A form's values as compared and shown: one string, or a list of codes, per field. */
export type Comparable = Record<string, string | string[]>;

/** The stored row as its form shows it, at one version. */
export interface Versioned {
  version: number;
  values: Comparable;
}

/** What a stale form is answered with: both versions of the fields that differ. */
export interface Conflict {
  /** The stored version: the form posts it from now on, so saving again replaces what is stored, deliberately. */
  version: number;
  /** The fields whose posted value differs from the stored one, in the order of the stored values. */
  fields: string[];
  /** Of those fields, what the form posted (normalised as it would be stored). */
  mine: Comparable;
  /** Of those fields, what is stored now. */
  stored: Comparable;
}

/** A value as compared: a list in any order; an empty list, an empty string and no value alike. */
const text = (v: string | string[] | undefined) => (Array.isArray(v) && v.length ? JSON.stringify([...v].sort()) : JSON.stringify(Array.isArray(v) ? "" : (v ?? "")));

/** The conflict of what a form posted with the stored row: only the fields that differ, from both sides. */
export function conflictOf(mine: Comparable, stored: Versioned): Conflict {
  const fields = Object.keys(stored.values).filter((f) => text(mine[f]) !== text(stored.values[f]));
  const pick = (from: Comparable) => Object.fromEntries(fields.map((f) => [f, from[f] ?? ""]));
  return { version: stored.version, fields, mine: pick(mine), stored: pick(stored.values) };
}

export type Saved<T> = { ok: true; value: T } | { ok: false; conflict: Conflict };

/**
 * Runs a versioned write. When it refuses a stale form, the stored row is read again (`stored`, which fails on its own
 * when the row is gone or the user may no longer see it) and compared with what was posted (`mine`).
 */
export function saveOrConflict<T>(write: () => T, mine: () => Comparable, stored: () => Versioned): Saved<T> {
  try {
    return { ok: true, value: write() };
  } catch (e) {
    if (!(e instanceof StaleVersion)) throw e;
    return { ok: false, conflict: conflictOf(mine(), stored()) };
  }
}

/**
 * The version a form is to post: after a conflict the stored one (the user has now seen it), after another failed post
 * the one it posted (its values were typed against that one), else the loader's. Key the form by it, so that the form
 * is drawn again from the values of whichever version it posts.
 */
export function formVersion(loaderVersion: number, reply: { conflict?: Conflict; version?: number } | null | undefined): number {
  return reply?.conflict?.version ?? reply?.version ?? loaderVersion;
}
