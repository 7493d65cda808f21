/**
 * No typed work is lost (issue 18): what a form keeps on the client (app/components/forms/draft.ts), and where a
 * signed-out post is sent to sign in again (app/modules/auth/guard.server.ts).
 */
import { describe, expect, it } from "vitest";
import {
  DRAFT_PREFIX, DRAFT_TTL_MS, draftKey, hasDraftFor, isKeptControl, isStale, keysToSweep, makeDraft, parseDraftKey, readDraft,
  sameAsForm, type ControlLike,
} from "~/components/forms/draft";
import { formPageOf, requireUser, signInPath } from "~/modules/auth/guard.server";
import { isFormReply, isRetryReply, retryReply } from "~/modules/forms";

const NOW = Date.UTC(2030, 0, 15, 3, 0, 0); // any instant: nothing here reads the clock
const HOUR = 3_600_000;

describe("which fields a draft keeps", () => {
  const kept = (c: ControlLike) => isKeptControl(c);

  it("keeps what the user typed or chose", () => {
    for (const type of ["text", "textarea", "select-one", "select-multiple", "checkbox", "radio", "date", "datetime-local", "number", "email"]) {
      expect(kept({ name: "summary", type }), type).toBe(true);
    }
  });

  it("never keeps passwords, files, buttons, or names that hold a secret", () => {
    for (const type of ["password", "PASSWORD", "file", "submit", "button", "reset", "image"]) expect(kept({ name: "x", type }), type).toBe(false);
    for (const name of ["csrf", "_csrf", "csrfToken", "token", "newPassword", "one_time", "secret"]) expect(kept({ name, type: "text" }), name).toBe(false);
  });

  it("keeps no hidden field but the record's version, and none of the framework's own (`_draft`)", () => {
    expect(kept({ name: "returnTo", type: "hidden" })).toBe(false);
    expect(kept({ name: "id", type: "hidden" })).toBe(false);
    expect(kept({ name: "version", type: "hidden" })).toBe(true);
    expect(kept({ name: "_draft", type: "text" })).toBe(false);
    expect(kept({ name: "", type: "text" })).toBe(false);
    expect(kept({ name: "summary", type: "text", optOut: true })).toBe(false);
  });

  it("builds a draft of the kept controls only, with every value of a checkbox group and the names of empty groups", () => {
    const controls: ControlLike[] = [
      { name: "summary", type: "textarea" },
      { name: "behaviours", type: "checkbox" },
      { name: "behaviours", type: "checkbox" },
      { name: "care", type: "checkbox" },
      { name: "password", type: "password" },
      { name: "_draft", type: "hidden" },
      { name: "version", type: "hidden" },
    ];
    const values: [string, string][] = [["summary", "大声で"], ["behaviours", "MA01"], ["behaviours", "MA02"], ["password", "hunter2hunter2"], ["_draft", "main"], ["version", "3"]];
    const draft = makeDraft(controls, values, NOW);
    expect(draft.savedAt).toBe(NOW);
    expect(draft.names.sort()).toEqual(["behaviours", "care", "summary", "version"]);
    expect(draft.entries).toEqual([["summary", "大声で"], ["behaviours", "MA01"], ["behaviours", "MA02"], ["version", "3"]]);
    expect(JSON.stringify(draft)).not.toContain("hunter2");
  });
});

describe("the draft key", () => {
  it("names the user, the form and the page, and reads back", () => {
    const key = draftKey(7, "/incidents/12/edit");
    expect(key.startsWith(DRAFT_PREFIX)).toBe(true);
    expect(parseDraftKey(key)).toEqual({ userId: 7, formId: "main", path: "/incidents/12/edit" });
    expect(parseDraftKey(draftKey(7, "/a:b/c", "add:user"))).toEqual({ userId: 7, formId: "add:user", path: "/a:b/c" });
    expect(draftKey(7, "/incidents/new")).not.toBe(draftKey(8, "/incidents/new"));
    expect(draftKey(7, "/incidents/new")).not.toBe(draftKey(7, "/incidents/new", "other"));
    expect(parseDraftKey("theme")).toBeNull();
    expect(parseDraftKey(`${DRAFT_PREFIX}x:main:/a`)).toBeNull();
  });
});

describe("reading a kept draft back", () => {
  const stored = (savedAt: number) => JSON.stringify({ savedAt, names: ["summary"], entries: [["summary", "text"]] });

  it("offers a draft for 24 hours, not after, and not one dated in the future", () => {
    expect(readDraft(stored(NOW - DRAFT_TTL_MS + 1000), NOW)?.entries).toEqual([["summary", "text"]]);
    expect(readDraft(stored(NOW - DRAFT_TTL_MS - 1000), NOW)).toBeNull();
    expect(readDraft(stored(NOW + HOUR), NOW)).toBeNull();
    expect(isStale(NOW - 25 * HOUR, NOW)).toBe(true);
    expect(isStale(NOW - 23 * HOUR, NOW)).toBe(false);
  });

  it("ignores anything malformed", () => {
    for (const raw of [null, "", "{", "[]", "null", '{"savedAt":"x","names":[],"entries":[]}', JSON.stringify({ savedAt: NOW, names: [1], entries: [] }),
      JSON.stringify({ savedAt: NOW, names: [], entries: [["a"]] }), JSON.stringify({ savedAt: NOW, names: [], entries: [["a", 1]] })]) {
      expect(readDraft(raw, NOW), String(raw)).toBeNull();
    }
  });

  it("sees nothing to restore when the form already shows the draft's values", () => {
    const controls: ControlLike[] = [{ name: "summary", type: "text" }, { name: "care", type: "checkbox" }];
    const draft = makeDraft(controls, [["summary", "a"], ["care", "C1"]], NOW);
    expect(sameAsForm(draft, makeDraft(controls, [["summary", "a"], ["care", "C1"]], NOW))).toBe(true);
    expect(sameAsForm(draft, makeDraft(controls, [["summary", "b"], ["care", "C1"]], NOW))).toBe(false);
    expect(sameAsForm(draft, makeDraft(controls, [["summary", "a"]], NOW))).toBe(false);
  });

  it("sweeps stale drafts, unreadable ones and those of another user, and leaves other storage alone", () => {
    const fresh = stored(NOW - HOUR);
    const entries: [string, string | null][] = [
      [draftKey(1, "/incidents/new"), fresh],
      [draftKey(1, "/incidents/2/edit"), stored(NOW - 30 * HOUR)],
      [draftKey(2, "/incidents/new"), fresh],
      [`${DRAFT_PREFIX}garbage`, fresh],
      ["someone-else's-key", "x"],
    ];
    expect(keysToSweep(entries, NOW, 1).sort()).toEqual([draftKey(1, "/incidents/2/edit"), draftKey(2, "/incidents/new"), `${DRAFT_PREFIX}garbage`].sort());
    // Signed out (the sign-in page): only what is stale or unreadable goes.
    expect(keysToSweep(entries, NOW, null).sort()).toEqual([draftKey(1, "/incidents/2/edit"), `${DRAFT_PREFIX}garbage`].sort());
    expect(hasDraftFor(entries, "/incidents/new", NOW)).toBe(true);
    expect(hasDraftFor(entries, "/incidents/2/edit", NOW)).toBe(false);
    expect(hasDraftFor(entries, "/incidents", NOW)).toBe(false);
  });
});

describe("a post the server could not take", () => {
  it("is a form reply that pages leave to DraftKeeper", () => {
    const reply = retryReply({ key: "error.busy" }, "main");
    expect(isFormReply(reply)).toBe(true);
    expect(isRetryReply(reply)).toBe(true);
    expect(isRetryReply({ error: null, fieldErrors: {} })).toBe(false);
    expect(isRetryReply({ changed: [] })).toBe(false);
  });
});

describe("signing in again after the session ended", () => {
  const post = (url: string, referer?: string) =>
    new Request(url, { method: "POST", headers: referer === undefined ? {} : { Referer: referer }, body: new URLSearchParams({ summary: "x" }) });

  it("returns a post to the page of its form (the Referer), not to the URL posted to", () => {
    expect(formPageOf(post("http://app.test/incidents/5/edit.data", "http://app.test/incidents/5/edit"))).toBe("/incidents/5/edit");
    expect(formPageOf(post("http://app.test/incidents/5/delete.data", "http://app.test/incidents/5?flash=updated"))).toBe("/incidents/5?flash=updated");
    expect(formPageOf(post("http://app.test/_root.data", "http://app.test/"))).toBe("/");
  });

  it("keeps the path on this site: another origin's Referer or a path that leaves the site is not followed", () => {
    expect(formPageOf(post("http://app.test/incidents/new.data", "http://evil.test/phish"))).toBe("/incidents/new");
    expect(formPageOf(post("http://app.test/incidents/new.data", "http://app.test//evil.test/x"))).toBe("/");
    expect(formPageOf(post("http://app.test/incidents/new.data", "http://app.test/.//evil.test"))).toBe("/");
    expect(formPageOf(post("http://app.test/incidents/new.data", "not a url"))).toBe("/incidents/new");
    expect(formPageOf(post("http://app.test/incidents/new.data"))).toBe("/incidents/new");
  });

  it("says the session ended, and where to come back to", () => {
    expect(signInPath("/incidents/5/edit", true)).toBe("/login?returnTo=%2Fincidents%2F5%2Fedit&expired=1");
    expect(signInPath("/", true)).toBe("/login?expired=1");
    expect(signInPath("/", false)).toBe("/login");
    expect(signInPath("/incidents?status=open", false)).toBe(`/login?returnTo=${encodeURIComponent("/incidents?status=open")}`);
  });

  it("sends a signed-out post to sign in with expired=1 and its form page, a signed-out visit without it", async () => {
    const thrown = async (request: Request) => {
      try {
        await requireUser(request);
      } catch (e) {
        return e as Response;
      }
      throw new Error("requireUser let a signed-out request through");
    };
    const fromForm = await thrown(post("http://app.test/incidents/5/edit.data", "http://app.test/incidents/5/edit"));
    expect(fromForm.status).toBe(302);
    expect(fromForm.headers.get("Location")).toBe("/login?returnTo=%2Fincidents%2F5%2Fedit&expired=1");
    const visit = await thrown(new Request("http://app.test/incidents/5/edit"));
    expect(visit.headers.get("Location")).toBe("/login?returnTo=%2Fincidents%2F5%2Fedit");
  });
});
