/**
 * The incident list's saved views (issue 19): the user's named views as links, each with a small edit panel (rename,
 * delete), and a form that saves the list's current filters under a name. Plain forms posting to the list's action,
 * so it works without JavaScript; the reply of a failed post is shown beside the form it came from.
 */
import { useEffect, useRef } from "react";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import type { Message } from "~/modules/errors";

export interface SavedViewItem {
  id: number;
  name: string;
  search: string;
}

/** What the list's action answers for a view form: done, or the message of what was refused (and which form). */
export type ViewReply =
  | { view: { done: "saved" | "renamed" | "deleted" } }
  | { view: { error: Message; intent: string; id: number | null; name: string } };

export function SavedViews({ views, currentSearch, maxName }: { views: SavedViewItem[]; currentSearch: string; maxName: number }) {
  const { t } = useT();
  const reply = useActionData<ViewReply>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.has("intent");
  const result = reply && "view" in reply ? reply.view : null;
  const failed = result && "error" in result ? result : null;
  const errorFor = (intent: string, id: number | null) =>
    failed && failed.intent === intent && failed.id === id ? t(failed.error.key, failed.error.params) : undefined;
  const saveError = errorFor("saveView", null);
  // A refusal no form on the page stands for (an intent the page never sends, a view that is not listed): said above.
  const unplaced =
    failed && !saveError && !views.some((v) => errorFor("renameView", v.id) || errorFor("deleteView", v.id))
      ? t(failed.error.key, failed.error.params)
      : undefined;
  // After a save the name field is emptied for the next one (the form stays mounted, so nothing typed since is lost).
  const newForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result && "done" in result && result.done === "saved") newForm.current?.reset();
  }, [result]);
  return (
    <section className="saved-views" aria-labelledby="saved-views-title">
      <h2 id="saved-views-title">{t("list.views.title")}</h2>
      {result && "done" in result ? (
        <p className="saved-views-done" role="status">
          {t(`list.views.${result.done}`)}
        </p>
      ) : null}
      {unplaced ? (
        <p className="field-error" role="alert">
          {unplaced}
        </p>
      ) : null}
      {views.length === 0 ? (
        <p className="muted">{t("list.views.none")}</p>
      ) : (
        <ul className="saved-views-list">
          {views.map((v) => {
            const current = v.search === currentSearch;
            const renameError = errorFor("renameView", v.id);
            const deleteError = errorFor("deleteView", v.id);
            return (
              <li key={v.id}>
                <a href={`/incidents${v.search}`} aria-current={current ? "page" : undefined} className="saved-view-link">
                  {v.name}
                  {current ? <span className="saved-view-current"> {t("list.views.current")}</span> : null}
                </a>
                {/* Keyed by the name: after a rename the panel closes, showing the new name. */}
                <details key={v.name} className="saved-view-edit" open={renameError || deleteError ? true : undefined}>
                  <summary aria-label={t("list.views.editLabel", { name: v.name })}>{t("list.views.edit")}</summary>
                  <Form method="post" className="saved-view-form">
                    <input type="hidden" name="id" value={v.id} />
                    <label htmlFor={`view-name-${v.id}`}>{t("list.views.newName", { name: v.name })}</label>
                    <input
                      id={`view-name-${v.id}`}
                      name="name"
                      defaultValue={renameError ? failed!.name : v.name}
                      maxLength={maxName * 2}
                      required
                      aria-invalid={renameError ? true : undefined}
                      aria-describedby={renameError ? `view-name-${v.id}-error` : undefined}
                    />
                    <button type="submit" name="intent" value="renameView" disabled={busy}>
                      {t("list.views.rename")}
                    </button>
                    <button type="submit" name="intent" value="deleteView" className="danger" disabled={busy} aria-label={t("list.views.deleteLabel", { name: v.name })}>
                      {t("list.views.delete")}
                    </button>
                    {renameError || deleteError ? (
                      <p className="field-error" id={`view-name-${v.id}-error`} role="alert">
                        {renameError ?? deleteError}
                      </p>
                    ) : null}
                  </Form>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      <Form method="post" className="saved-view-form saved-view-new" ref={newForm}>
        <input type="hidden" name="search" value={currentSearch} />
        <label htmlFor="view-name-new">{t("list.views.name")}</label>
        <input
          id="view-name-new"
          name="name"
          defaultValue={saveError ? failed!.name : ""}
          maxLength={maxName * 2}
          required
          aria-invalid={saveError ? true : undefined}
          aria-describedby={saveError ? "view-name-new-error" : undefined}
        />
        <button type="submit" name="intent" value="saveView" disabled={busy}>
          {t("list.views.save")}
        </button>
        {saveError ? (
          <p className="field-error" id="view-name-new-error" role="alert">
            {saveError}
          </p>
        ) : null}
      </Form>
    </section>
  );
}
