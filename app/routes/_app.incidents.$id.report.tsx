import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { PrintButton } from "~/components/reports/ReportActions";
import { useFormReply } from "~/components/ui/form-reply";
import { ConflictPanel, revalidateAfterConflict, VersionField } from "~/components/ui/ConflictPanel";
import { type Message, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { formVersion, parseVersion, postedVersion, saveOrConflict, VERSION_FIELD } from "~/modules/concurrency";
import { atVersion, conflictReply, formFailure, readForm, replyWithError } from "~/modules/http.server";
import { parseForm } from "~/modules/forms";
import { actorOf } from "~/modules/auth/guard.server";
import { loadIncidentFor, reachableIncident } from "~/modules/incidents/access.server";
import { displayDateTime, todayInTokyo } from "~/modules/incidents/dates";
import { dispatchSoon } from "~/modules/notifications/mail.server";
import {
  approveReport, completeActions, getReport, mayComplete, NO_REPORT_VERSION, ownerChoices, peopleNames, resolveOwners, returnReport, saveDraft,
  storedReport, submitReport,
} from "~/modules/incidents/report.server";
import {
  OWNER_USER_PREFIX, postedDone, REPORT_ACTION_ROWS, reportComparable, reportFieldOf, reportFormInput, reportFormSchema, type ReportFields,
} from "~/modules/incidents/report-schema";
import { labelOf } from "~/modules/incidents/taxonomy";
import type { PageHandle } from "~/root";
import reportStyles from "~/styles/report.css";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "incidentReport.title" };
export const shouldRevalidate = revalidateAfterConflict;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

/** The report of an incident, started from the incident's own facts when there is none yet. */
/** The form shows the incident's summary, words and client, so opening it is audited like the detail page (issue 18). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  audit(getDb(), actorOf(user, context), "incident.viewed", { type: "incident", id }, { page: "report" });
  const db = getDb();
  const report = getReport(db, id);
  const prefill: ReportFields = {
    whatHappened: incident.summary,
    causeAnalysis: null,
    actions: [],
    supervisorComment: null,
  };
  return {
    messages: messages(request, ["incidentReport", "report", "reports", "field", "auth", "concurrency"]),
    incident: {
      id,
      ref: incident.ref,
      occurredAt: incident.occurred_at,
      department: incident.department,
      channel: incident.channel,
      client: incident.client,
      behaviours: incident.behaviours,
      severity: incident.severity,
    },
    report,
    version: report?.version ?? NO_REPORT_VERSION,
    fields: report ?? prefill,
    // Four eyes: whoever submitted it does not approve it.
    canApprove: report?.status === "submitted" && report.submittedBy !== user.email,
    // After submission, each action's done box is live for whoever may record it (mayComplete).
    canComplete: (report && report.status !== "draft" ? report.actions : []).map((a) => mayComplete(user, incident.departmentId, a)),
    owners: ownerChoices(db, incident.departmentId),
    // Printed and shown by name, not by e-mail address.
    names: report ? peopleNames(db, [report.submittedBy, report.approvedBy], report.actions.map((a) => a.doneBy)) : { byEmail: {}, byId: {} },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  const db = getDb();
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "save");
  const actor = actorOf(user, context);
  const input = reportFormInput(form);
  const parsed = parseForm(reportFormSchema, undefined, { input, fieldOf: reportFieldOf(input), error: { key: "incidentReport.errors.invalid" } });
  if (!parsed.ok) return atVersion(postedVersion(form), formFailure(parsed.reply));
  const version = parseVersion(form.get(VERSION_FIELD));
  let f: ReportFields;
  try {
    f = resolveOwners(db, parsed.data, incident.departmentId, (i) => input.actions[i]?.row ?? i);
  } catch (e) {
    return atVersion(version, replyWithError(e));
  }
  let saved;
  let changed = 0;
  try {
    saved = saveOrConflict(
      () => {
        if (intent === "complete") {
          const stored = getReport(db, id);
          changed = completeActions(db, id, postedDone(form, stored?.actions.length ?? 0), user, actor, todayInTokyo(), version);
        } else if (intent === "submit") submitReport(db, id, f, actor, todayInTokyo(), version);
        else if (intent === "approve") approveReport(db, id, f.supervisorComment, actor, todayInTokyo(), version);
        else if (intent === "return") returnReport(db, id, f.supervisorComment, actor, version);
        else saveDraft(db, id, f, actor, version);
      },
      // The buttons say what the form was showing: a draft to save or submit, or a submitted report to decide.
      () => reportComparable(f, intent === "approve" || intent === "return" ? "submitted" : intent === "complete" ? String(form.get("status") ?? "approved") : "draft"),
      () => {
        reachableIncident(db, id, user); // the stored report only while the user may still open its incident
        return storedReport(db, id);
      },
    );
  } catch (e) {
    // ReportNotReady (422) comes back as field errors without a summary: the page lists them.
    return atVersion(version, replyWithError(e));
  }
  if (!saved.ok) return conflictReply(f, saved.conflict);
  // Committed: HR's mails about a submission go out in the background, never in the way of this answer.
  if (intent === "submit") void dispatchSoon(db);
  return redirect(`/incidents/${id}/report?done=${intent === "complete" && changed === 0 ? "unchanged" : intent}`);
}

const REPORT_LABELS = {
  status: "incidentReport.state",
  whatHappened: "incidentReport.whatHappened",
  causeAnalysis: "incidentReport.cause",
  actions: "incidentReport.actions",
  supervisorComment: "incidentReport.supervisorComment",
} as const;

export default function IncidentReportPage() {
  const { incident, report, version, fields: storedFields, canApprove, canComplete, owners, names } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const failed = useFormReply<ReportFields>();
  const { t, lang } = useT();
  // After a conflict the form is drawn again from what was typed, at the stored version (formVersion).
  const fields = (failed?.conflict && failed.values) || storedFields;
  const shownVersion = formVersion(version, failed);
  // Field errors without a summary are what submitting still needs (ReportNotReady): listed above the form. With a
  // summary they are the fields' own messages (a garbled character, a text too long…), shown beside each.
  const missing = failed && !failed.error ? Object.entries(failed.fieldErrors) : [];
  /** A field's own message, beside it (a garbled character, a text too long, a date that is not one). */
  const fieldError = (name: string) => {
    const m = failed?.error ? failed.fieldError(name) : undefined;
    return m ? (
      <p className="field-error" id={`${name}-error`} role="alert">
        {m}
      </p>
    ) : null;
  };
  const status = report?.status ?? "draft";
  const editable = status === "draft";
  const nameOf = (email: string | null) => (email ? names.byEmail[email] ?? email : "");
  const anyCompletable = canComplete.some(Boolean);
  const rows = [...fields.actions, ...Array(Math.max(0, REPORT_ACTION_ROWS - fields.actions.length)).fill(null)].slice(0, REPORT_ACTION_ROWS);
  return (
    <div className="report-page incident-report-page">
      <div className="report-toolbar no-print">
        <Link to={`/incidents/${incident.id}`}>← {t("incidentReport.back")}</Link>
        <span className={`status status-${status === "approved" ? "closed" : "open"}`}>{t(`incidentReport.status.${status}`)}</span>
        <PrintButton />
      </div>
      {!failed && (done === "complete" || done === "unchanged") ? (
        <p className="flash no-print" role="status">
          {t(done === "complete" ? "incidentReport.completionSaved" : "incidentReport.completionUnchanged")}
        </p>
      ) : null}
      {failed?.summary ? (
        <p className="error-summary no-print" role="alert">
          {failed.summary}
        </p>
      ) : null}
      {missing.length ? (
        <div className="error-summary no-print" role="alert">
          <p>{t("incidentReport.errors.notReady")}</p>
          <ul>
            {missing.map(([k, m]) => (
              <li key={k}>{t(m.key, m.params)}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="no-print">
        <ConflictPanel
          conflict={failed?.conflict}
          label={(f) => t(REPORT_LABELS[f as keyof typeof REPORT_LABELS])}
          show={(f, v) => (f === "status" ? t(`incidentReport.status.${v as "draft"}`) : v)}
          reloadTo={`/incidents/${incident.id}/report`}
        />
      </div>
      <Form method="post" className="company-form" key={shownVersion}>
        <VersionField version={shownVersion} />
        <input type="hidden" name="status" value={status} />
        <DraftKeeper />
        <header className="company-form-header">
          <h1>{t("incidentReport.formTitle")}</h1>
          <table className="company-form-meta">
            <tbody>
              <tr>
                <th scope="row">{t("field.ref")}</th>
                <td>{incident.ref ?? `#${incident.id}`}</td>
                <th scope="row">{t("field.occurred_at")}</th>
                <td>{displayDateTime(incident.occurredAt)}</td>
              </tr>
              <tr>
                <th scope="row">{t("field.department")}</th>
                <td>{incident.department ?? ""}</td>
                <th scope="row">{t("field.channel")}</th>
                <td>{labelOf("channel", incident.channel, lang)}</td>
              </tr>
              <tr>
                <th scope="row">{t("field.behaviours")}</th>
                <td colSpan={3}>{incident.behaviours.map((b) => labelOf("behaviours", b, lang)).join("、")}</td>
              </tr>
            </tbody>
          </table>
        </header>

        <section className="company-form-box">
          <h2>1. {t("incidentReport.whatHappened")}</h2>
          <textarea name="whatHappened" aria-label={t("incidentReport.whatHappened")} defaultValue={fields.whatHappened ?? ""} rows={5} readOnly={!editable} maxLength={4000} />
          {fieldError("whatHappened")}
        </section>
        <section className="company-form-box">
          <h2>2. {t("incidentReport.cause")}</h2>
          <textarea name="causeAnalysis" aria-label={t("incidentReport.cause")} defaultValue={fields.causeAnalysis ?? ""} rows={4} readOnly={!editable} maxLength={4000} />
          {fieldError("causeAnalysis")}
        </section>
        <section className="company-form-box">
          <h2>3. {t("incidentReport.actions")}</h2>
          <div className="table-scroll">
          <table className="grid-table company-form-actions">
            <thead>
              <tr>
                <th scope="col">{t("incidentReport.action")}</th>
                <th scope="col">{t("incidentReport.owner")}</th>
                <th scope="col">{t("incidentReport.due")}</th>
                <th scope="col">{t("incidentReport.done")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a, i) => (
                <tr key={i} className={a ? undefined : "blank-row"}>
                  <td>
                    <input name={`action_${i}`} aria-label={`${t("incidentReport.action")} ${i + 1}`} defaultValue={a?.action ?? ""} readOnly={!editable} maxLength={300} />
                    {fieldError(`action_${i}`)}
                  </td>
                  <td>
                    {editable ? (
                      <OwnerSelect name={`owner_${i}`} label={`${t("incidentReport.owner")} ${i + 1}`} action={a} owners={owners} />
                    ) : (
                      <input name={`owner_${i}`} aria-label={`${t("incidentReport.owner")} ${i + 1}`} defaultValue={a?.owner ?? ""} readOnly maxLength={100} />
                    )}
                    {editable ? <span className="print-only">{a?.owner ?? ""}</span> : null}
                    {fieldError(`owner_${i}`)}
                  </td>
                  <td>
                    <input type="date" name={`due_${i}`} aria-label={`${t("incidentReport.due")} ${i + 1}`} defaultValue={a?.due ?? ""} readOnly={!editable} />
                    {/* A date input prints in the browser's own format; paper shows the stored day. */}
                    <span className="print-only">{a?.due ?? ""}</span>
                    {fieldError(`due_${i}`)}
                  </td>
                  <td className="center">
                    <input
                      type="checkbox"
                      name={`done_${i}`}
                      aria-label={`${t("incidentReport.done")} ${i + 1}`}
                      defaultChecked={a?.done ?? false}
                      // A draft saves its boxes with the draft; afterwards only whoever may record completion ticks them.
                      disabled={!editable && !(canComplete[i] ?? false)}
                    />
                    {a?.done && a.doneOn ? (
                      <span className="done-stamp">
                        {t("incidentReport.doneOnBy", { day: a.doneOn, name: a.doneBy ? names.byId[a.doneBy] ?? "" : "" })}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </section>
        <section className="company-form-box">
          <h2>4. {t("incidentReport.supervisorComment")}</h2>
          <textarea
            name="supervisorComment"
            aria-label={t("incidentReport.supervisorComment")}
            defaultValue={fields.supervisorComment ?? ""}
            rows={3}
            readOnly={status === "approved"}
            maxLength={2000}
          />
          {fieldError("supervisorComment")}
        </section>
        <table className="company-form-stamps">
          <tbody>
            <tr>
              <th scope="row">{t("incidentReport.submitted")}</th>
              <td>{report?.submittedOn ? `${report.submittedOn} ${nameOf(report.submittedBy)}` : ""}</td>
              <th scope="row">{t("incidentReport.approved")}</th>
              <td>{report?.approvedOn ? `${report.approvedOn} ${nameOf(report.approvedBy)}` : ""}</td>
            </tr>
          </tbody>
        </table>
        <div className="form-actions no-print">
          {editable ? (
            <>
              <button type="submit" name="intent" value="save">
                {t("incidentReport.saveDraft")}
              </button>
              <button type="submit" name="intent" value="submit" className="primary">
                {t("incidentReport.submit")}
              </button>
            </>
          ) : null}
          {anyCompletable ? (
            <button type="submit" name="intent" value="complete" className={canApprove ? undefined : "primary"}>
              {t("incidentReport.saveCompletion")}
            </button>
          ) : null}
          {canApprove ? (
            <>
              <button type="submit" name="intent" value="approve" className="primary">
                {t("incidentReport.approve")}
              </button>
              <button type="submit" name="intent" value="return">
                {t("incidentReport.return")}
              </button>
            </>
          ) : null}
        </div>
        {anyCompletable ? <p className="hint no-print">{t("incidentReport.completionHint")}</p> : null}
      </Form>
    </div>
  );
}

type OwnerChoice = { id: number; name: string; ownDepartment: boolean };

/**
 * The owner of an action, chosen from the active users (the incident's department's first). An owner typed as free
 * text before owners were chosen stays an option of its own, so the row reads and saves as it was.
 */
function OwnerSelect({ name, label, action, owners }: { name: string; label: string; action: ReportFields["actions"][number] | null; owners: OwnerChoice[] }) {
  const { t } = useT();
  const current = action?.ownerUserId ? `${OWNER_USER_PREFIX}${action.ownerUserId}` : action?.owner ?? "";
  const kept = action && !action.ownerUserId && action.owner ? action.owner : null;
  // A chosen owner since disabled is still the owner: listed so the row keeps them.
  const missing = action?.ownerUserId && !owners.some((o) => o.id === action.ownerUserId) ? { id: action.ownerUserId, name: action.owner } : null;
  const own = owners.filter((o) => o.ownDepartment);
  const others = owners.filter((o) => !o.ownDepartment);
  return (
    <select name={name} aria-label={label} defaultValue={current}>
      <option value="">{t("incidentReport.ownerNone")}</option>
      {kept ? (
        <optgroup label={t("incidentReport.ownerKept")}>
          <option value={kept}>{kept}</option>
        </optgroup>
      ) : null}
      {missing ? <option value={`${OWNER_USER_PREFIX}${missing.id}`}>{missing.name}</option> : null}
      {own.length ? (
        <optgroup label={t("incidentReport.ownerDepartment")}>
          {own.map((o) => (
            <option key={o.id} value={`${OWNER_USER_PREFIX}${o.id}`}>
              {o.name}
            </option>
          ))}
        </optgroup>
      ) : null}
      <optgroup label={t("incidentReport.ownerOthers")}>
        {others.map((o) => (
          <option key={o.id} value={`${OWNER_USER_PREFIX}${o.id}`}>
            {o.name}
          </option>
        ))}
      </optgroup>
    </select>
  );
}
