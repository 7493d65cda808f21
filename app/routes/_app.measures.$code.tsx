import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { ConflictPanel, revalidateAfterConflict, VersionField } from "~/components/ui/ConflictPanel";
import { SelectField, TextArea, TextField } from "~/components/ui/fields";
import { type MessageKey, messages } from "~/i18n";
import { ReviewedOn } from "~/components/registers/ReviewedOn";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings } from "~/modules/forms";
import { getDb } from "~/modules/db.server";
import { failedSave, fail, readForm } from "~/modules/http.server";
import { formVersion, VERSION_FIELD } from "~/modules/concurrency";
import { displayInstant, todayInTokyo } from "~/modules/incidents/dates";
import { MEASURE_STATUSES, MEASURES } from "~/modules/incidents/taxonomy";
import { getMeasure, measureHistory, saveMeasureForm } from "~/modules/registers/measures.server";
import {
  EVIDENCE_TEXT_MAX, EVIDENCE_URL_MAX, MEASURE_FIELDS, UPDATED_BY_MAX, type MeasureField,
} from "~/modules/registers/schema";
import type { PageHandle } from "~/root";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "registers.measure.title" };
export const shouldRevalidate = revalidateAfterConflict;

async function load(request: Request, code: string | undefined) {
  const user = await requireUser(request, "registers.manage");
  const today = todayInTokyo();
  const measure = getMeasure(getDb(), code, today);
  if (!measure) fail(404, "registers.measure.notFound");
  return { user, today, measure };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, today, measure } = await load(request, params.code);
  return {
    messages: messages(request, ["registers", "auth", "incidentForm", "concurrency"]),
    today,
    measure,
    history: measureHistory(getDb(), measure.code),
    who: user.displayName ?? user.email,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, today, measure } = await load(request, params.code);
  const form = await readForm(request);
  const values = formStrings(form, MEASURE_FIELDS);
  const result = saveMeasureForm(getDb(), measure.code, values, today, actorOf(user, context), form.get(VERSION_FIELD));
  if (!result) fail(404, "registers.measure.notFound");
  if (!result.ok) return failedSave(form, result, { key: "registers.errors.summary" });
  return { changed: result.changed };
}

const FIELD_LABEL: Record<MeasureField, MessageKey> = {
  status: "registers.field.status",
  evidenceText: "registers.field.evidenceText",
  evidenceUrl: "registers.field.evidenceUrl",
  inPlaceOn: "registers.field.inPlaceOn",
  reviewedOn: "registers.field.reviewedOn",
  updatedBy: "registers.field.updatedBy",
};
const isField = (f: string): f is MeasureField => f in FIELD_LABEL;
const SHOWN = 80;

export default function EditMeasure() {
  const { measure, history, who, today } = useLoaderData<typeof loader>();
  const { done: saved, failed } = useActionResult<typeof action, Record<MeasureField, string>>();
  const busy = useNavigation().state === "submitting";
  const { t, lang } = useT();
  const def = MEASURES.find((m) => m.code === measure.code)!;
  const statusLabel = (code: unknown) => MEASURE_STATUSES.find((s) => s.code === code)?.[lang] ?? String(code);
  const stored: Record<MeasureField, string> = {
    status: measure.status,
    evidenceText: measure.evidenceText ?? "",
    evidenceUrl: measure.evidenceUrl ?? "",
    inPlaceOn: measure.inPlaceOn ?? "",
    reviewedOn: measure.reviewedOn ?? "",
    updatedBy: who,
  };
  const value = (f: MeasureField) => failed?.values?.[f] ?? stored[f];
  const version = formVersion(measure.version, failed);
  const err = (f: MeasureField) => failed?.fieldError(f);
  const shown = (field: string, v: unknown) => {
    if (v === null || v === undefined || v === "") return <span className="muted">{t("registers.history.blank")}</span>;
    if (field === "status") return statusLabel(v);
    const s = String(v);
    return s.length > SHOWN ? <span title={s}>{`${s.slice(0, SHOWN)}…`}</span> : s;
  };
  return (
    <section>
      <p>
        <Link to="/measures">← {t("registers.measure.back")}</Link>
      </p>
      <h1>
        {t("registers.measure.title")}{" "}
        <small>
          {measure.code} {def[lang]}
        </small>
      </h1>
      <p className="muted">{t(measure.group === "G" ? "registers.group.G" : "registers.group.N")}</p>
      {saved ? (
        <p className="flash" role="status">
          {saved.changed.length ? t("registers.measure.saved") : t("registers.measure.noChange")}
        </p>
      ) : null}
      {failed?.summary ? (
        <p className="error-summary" role="alert">
          {failed.summary}
        </p>
      ) : null}
      <ConflictPanel
        conflict={failed?.conflict}
        label={(f) => t(FIELD_LABEL[f as MeasureField])}
        show={(f, v) => (f === "status" ? statusLabel(v) : v)}
        reloadTo={`/measures/${measure.code}`}
      />
      <dl className="facts compact">
        <div>
          <dt>{t("registers.col.reviewedOn")}</dt>
          <dd>
            <ReviewedOn reviewedOn={measure.reviewedOn} stale={measure.stale} />
          </dd>
        </div>
        <div>
          <dt>{t("registers.measure.lastUpdated")}</dt>
          <dd>
            {measure.updatedBy
              ? t("registers.measure.lastUpdatedBy", { at: displayInstant(measure.updatedAt), by: measure.updatedBy })
              : t("registers.measure.neverUpdated")}
          </dd>
        </div>
        {measure.evidenceUrl ? (
          <div>
            <dt>{t("registers.field.evidenceUrl")}</dt>
            <dd>
              <a href={measure.evidenceUrl} target="_blank" rel="noopener noreferrer">
                {t("registers.evidence.open")}
              </a>
            </dd>
          </div>
        ) : null}
      </dl>
      <Form method="post" className="card stack" noValidate key={version}>
        <VersionField version={version} />
        <DraftKeeper />
        <div className="grid">
          <SelectField
            name="status"
            label={t("registers.field.status")}
            value={value("status")}
            error={err("status")}
            required
            requiredLabel={t("form.required")}
            options={MEASURE_STATUSES.map((s) => ({ value: s.code, label: s[lang] }))}
          />
          <TextField
            name="inPlaceOn"
            type="date"
            max={today}
            label={t("registers.field.inPlaceOn")}
            value={value("inPlaceOn")}
            error={err("inPlaceOn")}
            hint={t("registers.field.inPlaceOnHint")}
          />
          <TextField
            name="reviewedOn"
            type="date"
            max={today}
            label={t("registers.field.reviewedOn")}
            value={value("reviewedOn")}
            error={err("reviewedOn")}
            hint={t("registers.field.reviewedOnHint")}
          />
        </div>
        <TextArea
          name="evidenceText"
          rows={5}
          maxLength={EVIDENCE_TEXT_MAX}
          label={t("registers.field.evidenceText")}
          value={value("evidenceText")}
          error={err("evidenceText")}
          hint={t("registers.field.evidenceTextHint", { n: EVIDENCE_TEXT_MAX })}
        />
        <TextField
          name="evidenceUrl"
          type="url"
          maxLength={EVIDENCE_URL_MAX}
          label={t("registers.field.evidenceUrl")}
          value={value("evidenceUrl")}
          error={err("evidenceUrl")}
          hint={t("registers.field.evidenceUrlHint")}
        />
        <TextField
          name="updatedBy"
          maxLength={UPDATED_BY_MAX}
          label={t("registers.field.updatedBy")}
          value={value("updatedBy")}
          error={err("updatedBy")}
          required
          requiredLabel={t("form.required")}
          hint={t("registers.field.updatedByHint")}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("common.save")}
          </button>
        </div>
      </Form>

      <h2>{t("registers.history.title")}</h2>
      {history.length === 0 ? (
        <p className="muted">{t("registers.history.empty")}</p>
      ) : (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">{t("registers.history.at")}</th>
              <th scope="col">{t("registers.history.actor")}</th>
              <th scope="col">{t("registers.history.changes")}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td className="nowrap">{displayInstant(h.at)}</td>
                <td>{h.actor}</td>
                <td>
                  <div className="stack">
                    {Object.entries(h.changes).map(([field, [from, to]]) => (
                      <div key={field}>
                        <strong>{isField(field) ? t(FIELD_LABEL[field]) : field}</strong>: {shown(field, from)} → {shown(field, to)}
                      </div>
                    ))}
                    {h.changedFields.map((field) => (
                      <div key={field}>
                        <strong>{isField(field) ? t(FIELD_LABEL[field]) : field}</strong>: {t("registers.history.changedOnly")}
                      </div>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
