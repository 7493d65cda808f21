import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { getDb } from "~/modules/db.server";
import { Flash } from "~/components/ui/Flash";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { audit } from "~/modules/auth/audit.server";
import { actorOf } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import { ALLOWED_TYPES, listEvidence, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES } from "~/modules/evidence/evidence.server";
import { peopleNames } from "~/modules/incidents/report.server";
import { EvidenceUploadForm } from "~/components/evidence/EvidenceUploadForm";
import { isMessageKey, messages } from "~/i18n";
import { displayDateTime, displayInstant, toTokyoDateTime } from "~/modules/incidents/dates";
import type { IncidentField } from "~/modules/incidents/schema";
import { type CodedField, fullLabelOf, labelOf } from "~/modules/incidents/taxonomy";

export const handle: PageHandle = { titleKey: "detail.pageTitle" };

/** Opening an incident shows personal detail, so each view is audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.read");
  audit(getDb(), actorOf(user, context), "incident.viewed", { type: "incident", id });
  const notice = new URL(request.url).searchParams.get("evidence");
  return {
    messages: messages(request, ["incident", "field", "incidentForm", "incidentReport"]),
    incident,
    canEdit: can(user, "incidents.write"),
    canDelete: can(user, "incidents.delete"),
    evidence: evidenceRows(id),
    evidenceNotice: notice && isMessageKey(notice) && notice.startsWith("evidence.") ? notice : null,
    limits: { mb: MAX_EVIDENCE_BYTES / 1024 / 1024, types: Object.keys(ALLOWED_TYPES).join(" "), files: MAX_EVIDENCE_FILES },
  };
}

/** The evidence list with people by name (uploader, remover), a removed file's reason and when. */
function evidenceRows(id: number) {
  const rows = listEvidence(getDb(), id);
  const names = peopleNames(getDb(), rows.map((e) => e.uploadedBy), rows.map((e) => e.removedBy ?? undefined));
  return rows.map((e) => ({
    id: e.id,
    fileName: e.fileName,
    size: e.size,
    sha256: e.sha256,
    uploadedAt: e.uploadedAt,
    uploadedBy: names.byEmail[e.uploadedBy] ?? e.uploadedBy,
    removed: e.removedAt ? { at: e.removedAt, by: e.removedBy ? names.byId[e.removedBy] ?? "" : "", reason: e.removedReason ?? "" } : null,
  }));
}

export default function IncidentDetail() {
  const { incident: i, canEdit, canDelete, evidence, evidenceNotice, limits } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const unknown = <span className="muted">{t("common.unknown")}</span>;
  const none = <span className="muted">{t("common.none")}</span>;
  const yesNo = (b: boolean | null) => (b === null ? unknown : b ? t("common.yes") : t("common.no"));
  const code = (field: CodedField, v: string | number | null) =>
    v === null || v === "" ? unknown : <><span className="code">{v}</span> {labelOf(field, String(v), lang)}</>;
  const codes = (field: CodedField, list: string[]) =>
    list.length === 0 ? none : (
      <ul className="tags">
        {list.map((c) => (
          <li key={c}>
            <span className="code">{c}</span> {fullLabelOf(field, c, lang)}
          </li>
        ))}
      </ul>
    );
  const text = (v: string | null) => (v ? <p className="prose">{v}</p> : none);
  const plain = (v: string | number | null, fmt?: (v: number) => string) =>
    v === null || v === "" ? unknown : typeof v === "number" && fmt ? fmt(v) : String(v);
  const row = (f: IncidentField, value: ReactNode) => (
    <div key={f}>
      <dt>{t(`field.${f}`)}</dt>
      <dd>{value}</dd>
    </div>
  );

  return (
    <article className="incident-detail">
      <Flash />
      <header className="detail-header">
        <h1>
          {t("detail.title", { id: i.id })} <small>{i.ref ?? t("detail.noRef")}</small>
        </h1>
        <div className="actions">
          <Link to="/incidents" className="button">
            {t("common.back")}
          </Link>
          {canEdit ? (
            <Link to={`/incidents/${i.id}/report`} className="button">
              {t("incidentReport.open")}
            </Link>
          ) : null}
          {canEdit ? (
            <Link to={`/incidents/${i.id}/edit`} className="button primary">
              {t("common.edit")}
            </Link>
          ) : null}
          {canDelete ? (
            <Link to={`/incidents/${i.id}/delete`} className="button danger">
              {t("common.delete")}
            </Link>
          ) : null}
        </div>
      </header>

      <section className="detail-section">
        <h2>{t("section.basic")}</h2>
        <dl className="facts">
          {row("occurred_at", displayDateTime(i.occurred_at))}
          {row("department", plain(i.department))}
          {row("in_tokyo", yesNo(i.in_tokyo))}
          {row("channel", code("channel", i.channel))}
          {row("status", <span className={`status status-${i.status}`}>{labelOf("status", i.status, lang)}</span>)}
        </dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.identify")}</h2>
        <dl className="facts">
          {row("client", plain(i.client))}
          {row("counterparty_type", code("counterparty_type", i.counterparty_type))}
          {row("customer_identified", yesNo(i.customer_identified))}
        </dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.grasp")}</h2>
        <dl className="facts wide">
          {row("summary", text(i.summary))}
          {row("verbatim", text(i.verbatim))}
        </dl>
        <dl className="facts">
          {row("validity", code("validity", i.validity))}
          {row("severity", code("severity", i.severity))}
          {row("duration_min", plain(i.duration_min, (n) => t("common.minutes", { n })))}
          {row("contact_count", plain(i.contact_count, (n) => t("common.times", { n })))}
        </dl>
        <dl className="facts wide">
          {row("behaviours", codes("behaviours", i.behaviours))}
          {row("legal_flags", codes("legal_flags", i.legal_flags))}
        </dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.report")}</h2>
        <dl className="facts">{row("reported_at", plain(displayDateTime(i.reported_at)))}</dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.respond")}</h2>
        <dl className="facts">
          {row("responders", plain(i.responders, (n) => t("common.people", { n })))}
          {row("recorded", yesNo(i.recorded))}
        </dl>
        <dl className="facts wide">{row("responses", codes("responses", i.responses))}</dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.close")}</h2>
        <dl className="facts">
          {row("determination", code("determination", i.determination))}
          {row("report_submitted_at", plain(i.report_submitted_at))}
          {row("outcome", code("outcome", i.outcome))}
          {row("closed_at", i.closed_date_unknown ? <span className="closed-unknown">{t("common.closedDateUnknown")}</span> : plain(i.closed_at))}
        </dl>
        <dl className="facts wide">{row("prevention", text(i.prevention))}</dl>
      </section>
      <section className="detail-section">
        <h2>{t("section.care")}</h2>
        <dl className="facts wide">{row("care", codes("care", i.care))}</dl>
      </section>
      <p className="muted small">
        {t("detail.createdAt")}: {displayDateTime(toTokyoDateTime(new Date(i.createdAt)))} / {t("detail.updatedAt")}:{" "}
        {displayDateTime(toTokyoDateTime(new Date(i.updatedAt)))}
      </p>
      <section className="detail-section" id="evidence">
        <h2>{t("evidence.title")}</h2>
        {evidenceNotice ? (
          <p className={["evidence.added", "evidence.addedMany", "evidence.removed"].includes(evidenceNotice) ? "flash" : "error-summary"} role="status">
            {t(evidenceNotice)}
          </p>
        ) : null}
        {evidence.length === 0 ? (
          <p className="muted">{t("evidence.none")}</p>
        ) : (
          <div className="table-scroll">
          <table className="grid-table evidence-table">
            <thead>
              <tr>
                <th scope="col">{t("evidence.file")}</th>
                <th scope="col" className="num">
                  {t("evidence.size")}
                </th>
                <th scope="col">{t("evidence.uploaded")}</th>
                <th scope="col">SHA-256</th>
                {canDelete ? <th scope="col">{t("evidence.remove")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {evidence.map((e) => (
                <tr key={e.id} className={e.removed ? "evidence-removed" : undefined}>
                  <td>
                    {e.removed ? (
                      <>
                        <del>{e.fileName}</del>
                        <br />
                        <span className="removed-note">
                          {t("evidence.removedNote", { at: displayInstant(e.removed.at), by: e.removed.by, reason: e.removed.reason })}
                        </span>
                      </>
                    ) : (
                      <a href={`/incidents/${i.id}/evidence/${e.id}`} download>
                        {e.fileName}
                      </a>
                    )}
                  </td>
                  <td className="num">{e.size < 1024 ? `${e.size} B` : `${(e.size / 1024).toFixed(0)} KB`}</td>
                  <td className="nowrap">
                    {displayInstant(e.uploadedAt)} {e.uploadedBy}
                  </td>
                  <td className="code" title={e.sha256}>
                    {e.sha256.slice(0, 16)}…
                  </td>
                  {canDelete ? (
                    <td>
                      {e.removed ? null : (
                        <Link to={`/incidents/${i.id}/evidence/${e.id}/remove`} aria-label={`${t("evidence.remove")}: ${e.fileName}`}>
                          {t("evidence.remove")}
                        </Link>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
        {canEdit ? <EvidenceUploadForm incidentId={i.id} limits={limits} /> : null}
      </section>
    </article>
  );
}
