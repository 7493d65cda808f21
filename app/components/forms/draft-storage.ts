/**
 * Drafts in the tab's sessionStorage (docs/decisions/0024-drafts-kept-on-client.md): never a cookie, never a URL, never
 * localStorage, so a draft leaves the PC with the tab and is not sent anywhere. Browser only; every call is a no-op
 * where storage is missing or refused (server rendering, a locked-down browser).
 */
import {
  type ControlLike,
  type Draft,
  DRAFT_PREFIX,
  hasDraftFor,
  isKeptControl,
  keysToSweep,
  makeDraft,
  readDraft,
  valuesOf,
} from "./draft";

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

/** Every draft entry of this tab, as (key, stored text). */
function stored(): [string, string | null][] {
  const s = storage();
  if (!s) return [];
  const out: [string, string | null][] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (key?.startsWith(DRAFT_PREFIX)) out.push([key, s.getItem(key)]);
  }
  return out;
}

export function loadDraft(key: string): Draft | null {
  return readDraft(storage()?.getItem(key) ?? null, Date.now());
}

export function saveDraft(key: string, draft: Draft): void {
  try {
    storage()?.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or refused: the post goes on; only the safety net is missing.
  }
}

export function removeDraft(key: string): void {
  storage()?.removeItem(key);
}

/** Sign-out: every draft of this tab goes. */
export function clearAllDrafts(): void {
  const s = storage();
  for (const [key] of stored()) s?.removeItem(key);
}

/** Stale drafts, and those of anyone but the signed-in user, are removed. */
export function sweepDrafts(userId: number | null): void {
  const s = storage();
  for (const key of keysToSweep(stored(), Date.now(), userId)) s?.removeItem(key);
}

export function draftKeptFor(path: string): boolean {
  return hasDraftFor(stored(), path, Date.now());
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function controlsOf(form: HTMLFormElement): Control[] {
  return [...form.elements].filter(
    (e): e is Control => e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement,
  );
}

// A read-only field (a supervisor's fixed department) shows the server's value: it is neither kept nor overwritten.
const describe = (c: Control): ControlLike => ({
  name: c.name,
  type: c.type,
  optOut: c.dataset.draft === "off" || (!(c instanceof HTMLSelectElement) && c.readOnly),
});

/** The form's kept fields as they are now. */
export function draftOfForm(form: HTMLFormElement): Draft {
  const values: [string, string][] = [];
  for (const [name, value] of new FormData(form)) if (typeof value === "string") values.push([name, value]);
  return makeDraft(controlsOf(form).map(describe), values, Date.now());
}

/** Puts a draft's values back into the form's controls (only the controls the draft covers). */
export function applyDraft(form: HTMLFormElement, draft: Draft): void {
  const covered = new Set(draft.names);
  const used = new Map<string, number>();
  for (const c of controlsOf(form)) {
    if (!covered.has(c.name) || !isKeptControl(describe(c))) continue;
    const values = valuesOf(draft, c.name);
    if (c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio")) {
      c.checked = values.includes(c.value);
    } else if (c instanceof HTMLSelectElement && c.multiple) {
      for (const o of c.options) o.selected = values.includes(o.value);
    } else {
      // Several controls of one name (rows of a table) take the values in order.
      const i = used.get(c.name) ?? 0;
      used.set(c.name, i + 1);
      c.value = values[i] ?? "";
    }
  }
}
