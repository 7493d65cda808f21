/**
 * What a versioned form shows (app/modules/concurrency.ts): the hidden version it posts, and, after a stale save, both
 * versions of the fields that differ — what this user typed (still in the form) and what is stored now.
 */
import type { ShouldRevalidateFunction } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n/use-t";
import { type Comparable, type Conflict, VERSION_FIELD } from "~/modules/concurrency";

/** The version the form was opened at (or has since been shown, formVersion), posted with every save. */
export function VersionField({ version }: { version: number }) {
  return <input type="hidden" name={VERSION_FIELD} value={version} />;
}

/**
 * A route's `shouldRevalidate`: after a conflict (409) the page's own data is loaded again too, so what it shows beside
 * the form (last updated, history, state) is what is stored now; other failed posts keep the page as it was. That
 * includes a 503 while the database is busy: loading the page again would meet the same lock (its view is audited)
 * and put the error page over the form that DraftKeeper kept on screen.
 */
export const revalidateAfterConflict: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => {
  if (actionStatus === 409) return true;
  if (actionStatus !== undefined && actionStatus >= 400) return false;
  return defaultShouldRevalidate;
};

interface Props {
  conflict: Conflict | undefined;
  /** A field's label, as the form names it. */
  label: (field: string) => string;
  /** One value (a list is shown value by value) as the form shows it, e.g. a code's label; as it is by default. */
  show?: (field: string, value: string) => string;
  /** The page opened again from scratch: the stored version, the user's entries dropped. */
  reloadTo: string;
}

export function ConflictPanel({ conflict, label, show, reloadTo }: Props) {
  const { t } = useT();
  if (!conflict) return null;
  const shown = (field: string, from: Comparable): ReactNode => {
    const v = from[field];
    const list = (Array.isArray(v) ? v : [v ?? ""]).filter((x) => x !== "");
    if (!list.length) return <span className="muted">{t("concurrency.blank")}</span>;
    return list.map((x) => (show ? show(field, x) : x)).join(t("common.listSeparator"));
  };
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">{t("concurrency.conflict")}</h2>
      <p>{t("concurrency.explain")}</p>
      {conflict.fields.length ? (
        <>
          <p>{t("concurrency.differs")}</p>
          <table className="grid-table conflict-table">
            <thead>
              <tr>
                <th scope="col">{t("concurrency.field")}</th>
                <th scope="col">{t("concurrency.mine")}</th>
                <th scope="col">{t("concurrency.stored")}</th>
              </tr>
            </thead>
            <tbody>
              {conflict.fields.map((f) => (
                <tr key={f}>
                  <th scope="row">{label(f)}</th>
                  <td data-label={t("concurrency.mine")}>{shown(f, conflict.mine)}</td>
                  <td data-label={t("concurrency.stored")}>{shown(f, conflict.stored)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>{t("concurrency.same")}</p>
      )}
      <p>{t("concurrency.next")}</p>
      <p>
        <a href={reloadTo}>{t("concurrency.discard")}</a>
      </p>
    </section>
  );
}
