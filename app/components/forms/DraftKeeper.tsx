/**
 * No typed work is lost (issue 18; docs/decisions/0024-drafts-kept-on-client.md). Put `<DraftKeeper />` inside a
 * `<Form method="post">` that holds typed text:
 * - on submit, the form's fields (not files, passwords or tokens: draft.ts) are kept in this tab's sessionStorage under
 *   (user, page, form);
 * - the draft goes once the server has answered the post on this page: it succeeded (the action redirects anywhere but
 *   the sign-in page, or answers data), or it was refused with field errors (the page shows the values it was sent, so
 *   nothing is lost and leaving the page afterwards is the user's choice);
 * - a page that opens with a draft (back after signing in again, after an error page) puts the text back and says so,
 *   with a button to discard it;
 * - a post the server could not take (503, busy) leaves the form as typed, with the reason (scripts/server.ts answers
 *   such a post, marked by the hidden DRAFT_FIELD, with a retry reply instead of the error page).
 */
import { useActionData, useLocation, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/i18n/use-t";
import { DRAFT_FIELD, isRetryReply } from "~/modules/forms";
import type { loader as rootLoader } from "~/root";
import { draftKey, sameAsForm } from "./draft";
import { applyDraft, draftOfForm, loadDraft, removeDraft, saveDraft, sweepDrafts } from "./draft-storage";

/**
 * The draft key of the form posted last in this document, until the post's outcome is known. Module state: a form that
 * is re-created by its page's answer (a new `key`) must still learn that its own post succeeded.
 */
let submitted: string | null = null;

const href = (l: { pathname: string; search: string }) => l.pathname + l.search;

export function DraftKeeper({ id = "main" }: { id?: string }) {
  const { t } = useT();
  const userId = useRouteLoaderData<typeof rootLoader>("root")?.user?.id ?? null;
  const location = useLocation();
  const navigation = useNavigation();
  const actionData = useActionData();
  const anchor = useRef<HTMLDivElement>(null);
  const sawSubmission = useRef(false);
  const retryNotice = useRef<HTMLDivElement>(null);
  const [restored, setRestored] = useState(false);
  // The marker goes only with posts of a running page (hydrated): without script nothing is kept, and such a post
  // gets the error page as before rather than a form that claims to hold the text.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const key = userId === null ? null : draftKey(userId, location.pathname, id);
  const formOf = () => anchor.current?.closest("form") ?? null;

  // Keep the fields at every submit, before Remix sends them.
  useEffect(() => {
    const form = formOf();
    if (!form || !key) return;
    const onSubmit = () => {
      saveDraft(key, draftOfForm(form));
      submitted = key;
      setRestored(false);
    };
    form.addEventListener("submit", onSubmit);
    return () => form.removeEventListener("submit", onSubmit);
  }, [key]);

  // On arrival: a page showing its post's answer ends the draft; a fresh page restores a kept one.
  useEffect(() => {
    const form = formOf();
    if (!form || !key) return;
    sweepDrafts(userId);
    if (actionData !== undefined) {
      if (submitted === key && !isRetryReply(actionData)) {
        removeDraft(key);
        submitted = null;
      }
      return;
    }
    if (submitted === key) submitted = null;
    const draft = loadDraft(key);
    if (!draft) return;
    // What the page shows already (the post did go through after all): nothing to restore.
    if (sameAsForm(draft, draftOfForm(form))) {
      removeDraft(key);
      return;
    }
    applyDraft(form, draft);
    setRestored(true);
    // Only on arrival; the answers to later posts are followed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // The outcome of this form's post.
  useEffect(() => {
    if (!key || submitted !== key) return;
    if (navigation.state === "idle") {
      if (!sawSubmission.current) return;
      sawSubmission.current = false;
      submitted = null;
      if (isRetryReply(actionData)) {
        // Nothing was stored: make sure the form still shows exactly what was sent.
        const form = formOf();
        const draft = loadDraft(key);
        if (form && draft) applyDraft(form, draft);
        // The save button is at the end of a long form: bring the reason into view (and to a screen reader).
        retryNotice.current?.focus();
        return;
      }
      // Saved, created, redirected back here, or refused with the values on screen: the draft has done its job.
      removeDraft(key);
      return;
    }
    sawSubmission.current = true;
    const to = navigation.location;
    if (navigation.state === "loading" && navigation.formMethod && to && href(to) !== href(location)) {
      // The action redirected: to the sign-in page when the session had ended (the draft waits for the return), or
      // anywhere else when it was stored.
      sawSubmission.current = false;
      submitted = null;
      if (to.pathname !== "/login") removeDraft(key);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, navigation.state, navigation.location, actionData]);

  const discard = () => {
    if (key) removeDraft(key);
    formOf()?.reset();
    setRestored(false);
  };

  const retry = isRetryReply(actionData) && actionData.retry === id ? actionData : null;
  return (
    <div ref={anchor} className="draft-keeper">
      {hydrated ? <input type="hidden" name={DRAFT_FIELD} value={id} /> : null}
      {retry ? (
        <div className="error-summary draft-notice no-print" role="alert" tabIndex={-1} ref={retryNotice}>
          <p>{retry.error?.key === "error.busy" ? t("drafts.busy") : t("drafts.unavailable")}</p>
          <p>{t("drafts.keptOnScreen")}</p>
        </div>
      ) : null}
      {restored ? (
        <div className="notice draft-notice no-print" role="status">
          <p>{t("drafts.restored")}</p>
          <button type="button" className="small" onClick={discard}>
            {t("drafts.discard")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
