import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useActionResult } from "~/components/ui/form-reply";
import { useT } from "~/i18n/use-t";
import { TableHead } from "~/components/ui/TableHead";
import { messages, type Message } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { fieldErrorsOf, formStrings, parseForm } from "~/modules/forms";
import { formFailure, invalidForm, readForm, replyWithError } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import {
  addDepartment, departmentOverview, mergeDepartment, reinstateDepartment, renameDepartment, retireDepartment,
} from "~/modules/departments/admin.server";
import {
  DEPARTMENT_FORM_FIELDS, DEPARTMENT_INTENTS, departmentActionSchema, departmentNameSchema, type DepartmentFormValues,
} from "~/modules/departments/schema";
import { displayInstant } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "departments.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "departments.manage");
  return { departments: departmentOverview(getDb()), messages: messages(request, ["departments"]) };
}

/** After any change posted here (refused ones too: a stale page is shown the latest), the list is read again. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === "POST" ? true : defaultShouldRevalidate;

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUser(request, "departments.manage");
  const values = formStrings(await readForm(request), DEPARTMENT_FORM_FIELDS);
  if (!(DEPARTMENT_INTENTS as readonly string[]).includes(values.intent)) {
    // Not a form this page sent. A name it carries is still checked, so that every problem is named at once.
    const name = values.name ? departmentNameSchema.safeParse(values.name) : null;
    return invalidForm(name?.success === false ? fieldErrorsOf(name.error.issues, () => "name") : {}, values, { key: "error.badForm" });
  }
  const read = parseForm(departmentActionSchema, values);
  if (!read.ok) return formFailure(read.reply);
  const db = getDb();
  const actor = actorOf(me, context);
  const a = read.data;
  const name = (id: number) => departmentOverview(db).find((d) => d.id === id)?.name ?? "";
  try {
    let done: Message;
    switch (a.intent) {
      case "create":
        addDepartment(db, a.name, actor);
        done = { key: "departments.created", params: { name: a.name } };
        break;
      case "rename":
        done = renameDepartment(db, a.id, a.version, a.name, actor).changed
          ? { key: "departments.renamed", params: { name: a.name } }
          : { key: "departments.noChange" };
        break;
      case "merge": {
        const from = name(a.id);
        const moved = mergeDepartment(db, a.id, a.version, a.into, actor);
        done = { key: "departments.merged", params: { from, to: name(a.into), incidents: moved.incidents, users: moved.users } };
        break;
      }
      case "retire":
        retireDepartment(db, a.id, a.version, actor);
        done = { key: "departments.retired", params: { name: name(a.id) } };
        break;
      case "reinstate":
        reinstateDepartment(db, a.id, a.version, actor);
        done = { key: "departments.reinstated", params: { name: name(a.id) } };
        break;
    }
    return { done };
  } catch (e) {
    return replyWithError(e, values);
  }
}

/** A labelled one-line control of a row's form (ids carry the row's id: every row has the same forms). */
function RowField({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const described = (id: string, hint: boolean, error: string | undefined) =>
  [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

export default function Departments() {
  const { departments } = useLoaderData<typeof loader>();
  const { done, failed } = useActionResult<typeof action, DepartmentFormValues>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const listed = departments.filter((d) => d.mergedIntoId === null);
  const merged = departments.filter((d) => d.mergedIntoId !== null);
  const active = listed.filter((d) => d.retiredAt === null);

  // A refused change is shown beside its own form; what no form has a place for goes above the list.
  const on = failed?.values;
  const rowOfFailure = on && ["rename", "merge", "retire", "reinstate"].includes(on.intent) ? listed.find((d) => String(d.id) === on.id) : undefined;
  const shownInline = (field: string) =>
    (field === "name" && on?.intent === "create") ||
    (rowOfFailure !== undefined && ((field === "name" && on?.intent === "rename") || (field === "into" && on?.intent === "merge")));
  const elsewhere = failed ? Object.keys(failed.fieldErrors).filter((f) => !shownInline(f)) : [];
  const summary = [failed?.summary, ...elsewhere.map((f) => failed!.fieldError(f))].filter((m): m is string => !!m);
  const rowError = (id: number, intent: string, field: string) =>
    on && on.id === String(id) && on.intent === intent && shownInline(field) ? failed!.fieldError(field) : undefined;
  const addError = on?.intent === "create" ? failed!.fieldError("name") : undefined;

  return (
    <section className="departments-page">
      <h1>{t("departments.title")}</h1>
      <p className="lead">{t("departments.intro")}</p>
      {done ? (
        <p className="flash" role="status">
          {t(done.done.key, done.done.params)}
        </p>
      ) : null}
      {summary.length ? (
        <div className="error-summary" role="alert">
          {summary.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      ) : null}

      <Form method="post" className="card add-department" noValidate key={done ? JSON.stringify(done.done) : "add"}>
        <h2>{t("departments.add")}</h2>
        <input type="hidden" name="intent" value="create" />
        <div className="inline-form">
          <RowField id="new-name" label={t("departments.name")} error={addError}>
            <input
              id="new-name"
              name="name"
              defaultValue={on?.intent === "create" ? on.name : ""}
              maxLength={200}
              autoComplete="off"
              aria-invalid={addError ? true : undefined}
              aria-describedby={described("new-name", false, addError)}
            />
          </RowField>
          <button type="submit" className="primary" disabled={busy}>
            {t("departments.addSubmit")}
          </button>
        </div>
      </Form>

      {listed.length === 0 ? (
        <p className="empty">{t("departments.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="grid-table departments">
            <TableHead
              labels={[t("departments.name"), t("departments.state"), t("departments.incidents"), t("departments.users"), t("departments.actions")]}
              numeric={[2, 3]}
            />
            <tbody>
              {listed.map((d) => {
                const renameError = rowError(d.id, "rename", "name");
                const mergeError = rowError(d.id, "merge", "into");
                const targets = active.filter((x) => x.id !== d.id);
                return (
                  <tr key={d.id} className={d.retiredAt ? "retired" : undefined} data-department={d.name}>
                    <th scope="row">{d.name}</th>
                    <td className="nowrap" data-label={t("departments.state")}>
                      {d.retiredAt ? (
                        <span className="state-retired" title={t("departments.retiredOn", { at: displayInstant(d.retiredAt) })}>
                          {t("departments.retiredState")}
                        </span>
                      ) : (
                        t("departments.active")
                      )}
                    </td>
                    <td className="num" data-label={t("departments.incidents")}>
                      {d.incidents.toLocaleString()}
                    </td>
                    <td className="num" data-label={t("departments.users")}>
                      {d.users.toLocaleString()}
                    </td>
                    <td className="department-actions">
                      <details open={rowOfFailure?.id === d.id || undefined}>
                        <summary>
                          {t("departments.change")}
                          <span className="visually-hidden">: {d.name}</span>
                        </summary>
                        <Form method="post" noValidate className="row-form">
                          <input type="hidden" name="intent" value="rename" />
                          <input type="hidden" name="id" value={d.id} />
                          <input type="hidden" name="version" value={d.version} />
                          <RowField id={`rename-${d.id}`} label={t("departments.newName")} error={renameError} hint={t("departments.renameHint")}>
                            <input
                              id={`rename-${d.id}`}
                              name="name"
                              defaultValue={renameError ? on!.name : d.name}
                              maxLength={200}
                              autoComplete="off"
                              aria-invalid={renameError ? true : undefined}
                              aria-describedby={described(`rename-${d.id}`, true, renameError)}
                            />
                          </RowField>
                          <button type="submit" disabled={busy}>
                            {t("departments.renameSubmit")}
                          </button>
                        </Form>
                        <Form
                          method="post"
                          noValidate
                          className="row-form"
                          onSubmit={(e) => {
                            if (!window.confirm(t("departments.mergeHint", { incidents: d.incidents, users: d.users }))) e.preventDefault();
                          }}
                        >
                          <input type="hidden" name="intent" value="merge" />
                          <input type="hidden" name="id" value={d.id} />
                          <input type="hidden" name="version" value={d.version} />
                          <RowField
                            id={`merge-${d.id}`}
                            label={t("departments.mergeInto")}
                            error={mergeError}
                            hint={targets.length ? t("departments.mergeHint", { incidents: d.incidents, users: d.users }) : t("departments.mergeNoTarget")}
                          >
                            <select
                              id={`merge-${d.id}`}
                              name="into"
                              defaultValue=""
                              aria-invalid={mergeError ? true : undefined}
                              aria-describedby={described(`merge-${d.id}`, true, mergeError)}
                            >
                              <option value="">{t("common.select")}</option>
                              {targets.map((x) => (
                                <option key={x.id} value={x.id}>
                                  {x.name}
                                </option>
                              ))}
                            </select>
                          </RowField>
                          <button type="submit" className="danger" disabled={busy || targets.length === 0}>
                            {t("departments.mergeSubmit")}
                          </button>
                        </Form>
                        <Form method="post" noValidate className="row-form">
                          <input type="hidden" name="id" value={d.id} />
                          <input type="hidden" name="version" value={d.version} />
                          {d.retiredAt ? (
                            <>
                              <p className="hint">{t("departments.reinstateHint")}</p>
                              <button type="submit" name="intent" value="reinstate" disabled={busy}>
                                {t("departments.reinstateSubmit")}
                              </button>
                            </>
                          ) : (
                            <>
                              <p className="hint">{d.activeUsers > 0 ? t("departments.retireBlocked", { n: d.activeUsers }) : t("departments.retireHint")}</p>
                              <button type="submit" name="intent" value="retire" disabled={busy || d.activeUsers > 0}>
                                {t("departments.retireSubmit")}
                              </button>
                            </>
                          )}
                        </Form>
                      </details>
                      <HistoryLink department={d} className="history-link" />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {merged.length > 0 ? (
        <>
          <h2>{t("departments.mergedHeading")}</h2>
          <p className="muted">{t("departments.mergedIntro")}</p>
          <div className="table-wrap">
            <table className="grid-table departments merged">
              <TableHead labels={[t("departments.name"), t("departments.state"), t("departments.actions")]} />
              <tbody>
                {merged.map((d) => (
                  <tr key={d.id} data-department={d.name}>
                    <th scope="row">{d.name}</th>
                    <td>{t("departments.mergedInto", { name: d.mergedIntoName ?? "" })}</td>
                    <td>
                      <HistoryLink department={d} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** A department's entries in the audit log (the screen reader hears which department's). */
function HistoryLink({ department, className }: { department: { id: number; name: string }; className?: string }) {
  const { t } = useT();
  return (
    <Link to={`/admin/audit?targetType=department&targetId=${department.id}`} className={className}>
      {t("departments.history")}
      <span className="visually-hidden">: {department.name}</span>
    </Link>
  );
}
