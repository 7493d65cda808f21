/**
 * What a form keeps on the client while its post is on the way (docs/decisions/0024-drafts-kept-on-client.md): the
 * typed fields, under a key of (user, form page, form), until the post succeeds. Pure: the storage and the DOM are
 * DraftKeeper's; what is kept, how it is named and when it is too old to offer are decided here.
 */

/** Every key starts with this, so that sign-out can remove them all and nothing else of the origin's storage. */
export const DRAFT_PREFIX = "kasuhara.draft.v1:";

/** A draft older than this is not offered again (and is removed): a form left for a day is not what the user means. */
export const DRAFT_TTL_MS = 24 * 60 * 60 * 1000;

/** A draft dated later than now by more than this comes from a clock that moved; it is not trusted either. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Hidden fields are the server's, not the user's — except these, which say which state of the record was edited. */
const KEPT_HIDDEN = new Set(["version"]);

/** Controls whose value the user did not type, or must never be written to storage. */
const NEVER_KEPT_TYPES = new Set(["password", "file", "submit", "button", "reset", "image"]);

/** Names that hold a secret or a token, whatever the control's type. */
const SECRET_NAME = /password|passwd|passphrase|csrf|token|secret|one_?time/i;

/** What a form control looks like to the decision (an input, a textarea or a select). */
export interface ControlLike {
  name: string;
  /** `input.type`, or "textarea", "select-one", "select-multiple". */
  type: string;
  /** `data-draft="off"` on a control keeps it out. */
  optOut?: boolean;
}

/** Whether a control's value is kept in the draft. */
export function isKeptControl(c: ControlLike): boolean {
  if (!c.name || c.optOut) return false;
  // Fields the framework or this module add (`_draft`), and every name that hints at a secret.
  if (c.name.startsWith("_") || SECRET_NAME.test(c.name)) return false;
  const type = c.type.toLowerCase();
  if (NEVER_KEPT_TYPES.has(type)) return false;
  if (type === "hidden") return KEPT_HIDDEN.has(c.name);
  return true;
}

/**
 * The key of a form's draft: one user, one page (its path, without the query: `?done=save` is the same form), one
 * form on that page. The path comes last, as it may hold any character.
 */
export function draftKey(userId: number, path: string, formId = "main"): string {
  return `${DRAFT_PREFIX}${userId}:${encodeURIComponent(formId)}:${path}`;
}

/** The parts of a draft key, or null for a key that is not one. */
export function parseDraftKey(key: string): { userId: number; formId: string; path: string } | null {
  if (!key.startsWith(DRAFT_PREFIX)) return null;
  const m = /^(\d+):([^:]*):(\/.*)$/s.exec(key.slice(DRAFT_PREFIX.length));
  if (!m) return null;
  return { userId: Number(m[1]), formId: decodeURIComponent(m[2]), path: m[3] };
}

/** A kept form: when it was posted, which controls it covers, and their values (several for a checkbox group). */
export interface Draft {
  savedAt: number;
  /** Every kept control's name, also of a checkbox group with none ticked (it then has no entry). */
  names: string[];
  entries: [name: string, value: string][];
}

/** A draft of the kept controls: `values` as a form's data lists them (name, value), `controls` every control. */
export function makeDraft(controls: readonly ControlLike[], values: Iterable<[string, string]>, now: number): Draft {
  const kept = new Set(controls.filter(isKeptControl).map((c) => c.name));
  const entries = [...values].filter(([name]) => kept.has(name));
  return { savedAt: now, names: [...kept], entries };
}

/** Whether a draft is too old (or dated in the future) to be offered. */
export function isStale(savedAt: number, now: number): boolean {
  return now - savedAt > DRAFT_TTL_MS || savedAt - now > CLOCK_SKEW_MS;
}

/** A stored draft read back, or null when it is missing, malformed or stale. */
export function readDraft(raw: string | null, now: number): Draft | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { savedAt, names, entries } = value as Partial<Draft>;
  if (typeof savedAt !== "number" || !Number.isFinite(savedAt) || isStale(savedAt, now)) return null;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) return null;
  const pairs = (e: unknown): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "string";
  if (!Array.isArray(entries) || !entries.every(pairs)) return null;
  return { savedAt, names, entries };
}

/** The values a draft gives one control name, in order. */
export function valuesOf(draft: Draft, name: string): string[] {
  return draft.entries.filter(([n]) => n === name).map(([, v]) => v);
}

/** Whether the draft says nothing the form does not already show (then there is nothing to restore). */
export function sameAsForm(draft: Draft, current: Draft): boolean {
  return draft.names.every((name) => {
    const a = valuesOf(draft, name);
    const b = valuesOf(current, name);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  });
}

/** Keys of drafts to remove now: stale ones, unreadable ones, and any of another user (a shared PC, a new sign-in). */
export function keysToSweep(stored: readonly [key: string, raw: string | null][], now: number, userId: number | null): string[] {
  return stored
    .filter(([key, raw]) => {
      const parsed = parseDraftKey(key);
      if (!key.startsWith(DRAFT_PREFIX)) return false;
      if (!parsed || readDraft(raw, now) === null) return true;
      return userId !== null && parsed.userId !== userId;
    })
    .map(([key]) => key);
}

/** Whether any fresh draft is kept for this page (whoever's it is: the sign-in page does not know the user yet). */
export function hasDraftFor(stored: readonly [key: string, raw: string | null][], path: string, now: number): boolean {
  return stored.some(([key, raw]) => parseDraftKey(key)?.path === path && readDraft(raw, now) !== null);
}
