/**
 * The incident form, grouped the way the policy's response flow runs (① identify → ② grasp → ③ report →
 * ④ respond with two or more, recorded → ⑤ written report), then the employee's care.
 * Validation happens on the server (noValidate), so every message is the product's own, in the user's language.
 */
import { Form, useNavigation } from "@remix-run/react";
import type { Message } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { type FormValues, optionsOf } from "~/modules/incidents/form-values";
import type { FieldErrors, IncidentField } from "~/modules/incidents/schema";
import { CLOSED_DATE_UNKNOWN, INCIDENT_FIELDS, TEXT_LIMITS } from "~/modules/incidents/schema";
import { CheckboxGroup, SelectField, TextArea, TextField, YesNoField } from "../ui/fields";
import { DraftKeeper } from "~/components/forms/DraftKeeper";
import { VersionField } from "../ui/ConflictPanel";

interface Props {
  values: FormValues;
  errors?: FieldErrors;
  /** The department master's choices (the active ones, and the incident's own if it was retired since). */
  departments: { name: string; retired: boolean }[];
  clients: string[];
  cancelTo: string;
  /** A supervisor records for their own department only: the field is shown, fixed (the server enforces it too). */
  lockedDepartment?: string | null;
  /** Editing: the version of the incident the form's values belong to, posted with them (none for a new incident). */
  version?: number;
}

export function IncidentForm({ values, errors = {}, departments, clients, cancelTo, lockedDepartment, version }: Props) {
  const { t, lang } = useT();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const err = (f: IncidentField) => {
    const m: Message | undefined = errors[f];
    return m ? t(m.key, m.params) : undefined;
  };
  const str = (f: IncidentField) => {
    const v = values[f];
    return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
  };
  const arr = (f: IncidentField) => {
    const v = values[f];
    return Array.isArray(v) ? v : v ? [v] : [];
  };
  const common = (f: IncidentField) => ({ name: f, label: t(`field.${f}`), error: err(f), requiredLabel: t("form.required") });
  const yn = { yes: t("common.yes"), no: t("common.no"), unknown: t("common.unknown") };
  const errorCount = Object.keys(errors).length;

  return (
    <Form method="post" noValidate className="incident-form">
      <DraftKeeper />
      {version === undefined ? null : <VersionField version={version} />}
      {errorCount > 0 ? (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <p>{t("form.errorSummary", { n: errorCount })}</p>
          <ul>
            {INCIDENT_FIELDS.filter((f) => errors[f]).map((f) => (
              <li key={f}>
                <a href={`#${f}`}>
                  {t(`field.${f}`)}: {err(f)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <section className="form-section">
        <h2>{t("section.basic")}</h2>
        <div className="grid">
          {/* The required fields first: someone reporting on a phone right after the event fills these and moves on. */}
          <TextField {...common("occurred_at")} type="datetime-local" value={str("occurred_at")} required hint={t("hint.occurred_at")} />
          <SelectField {...common("channel")} value={str("channel")} options={optionsOf("channel", lang)} emptyLabel={t("common.select")} required />
          {lockedDepartment ? (
            <div className="field">
              <label htmlFor="department">{t("field.department")}</label>
              <input id="department" name="department" value={lockedDepartment} readOnly aria-describedby="department-hint" />
              <p className="hint" id="department-hint">
                {t("form.departmentLocked")}
              </p>
            </div>
          ) : (
            <SelectField
              {...common("department")}
              value={str("department")}
              options={departments.map((d) => ({ value: d.name, label: d.retired ? t("common.retiredDepartment", { name: d.name }) : d.name }))}
              emptyLabel={t("common.unknown")}
            />
          )}
          <YesNoField {...common("in_tokyo")} value={str("in_tokyo")} labels={yn} />
          <TextField {...common("ref")} value={str("ref")} hint={t("hint.ref")} maxLength={TEXT_LIMITS.short} />
        </div>
      </section>

      <section className="form-section">
        <h2>{t("section.identify")}</h2>
        <div className="grid">
          <TextField {...common("client")} value={str("client")} list="client-options" hint={t("hint.client")} maxLength={TEXT_LIMITS.short} />
          <SelectField {...common("counterparty_type")} value={str("counterparty_type")} options={optionsOf("counterparty_type", lang)} emptyLabel={t("common.unknown")} />
          <YesNoField {...common("customer_identified")} value={str("customer_identified")} labels={yn} />
        </div>
        <datalist id="client-options">
          {clients.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </section>

      <section className="form-section">
        <h2>{t("section.grasp")}</h2>
        <TextArea {...common("summary")} value={str("summary")} maxLength={TEXT_LIMITS.long} />
        <TextArea {...common("verbatim")} value={str("verbatim")} hint={t("hint.verbatim")} maxLength={TEXT_LIMITS.long} />
        <div className="grid">
          <SelectField {...common("validity")} value={str("validity")} options={optionsOf("validity", lang)} emptyLabel={t("common.unknown")} />
          <SelectField {...common("severity")} value={str("severity")} options={optionsOf("severity", lang).map((o) => ({ ...o, label: `${o.value} ${o.label}` }))} emptyLabel={t("common.unknown")} />
          <TextField {...common("duration_min")} type="number" min={0} inputMode="numeric" value={str("duration_min")} />
          <TextField {...common("contact_count")} type="number" min={1} inputMode="numeric" value={str("contact_count")} />
        </div>
        <CheckboxGroup
          {...common("behaviours")}
          required
          hint={t("hint.behaviours")}
          values={arr("behaviours")}
          options={optionsOf("behaviours", lang)}
          groupLabels={{ MA: t("group.MA"), MB: t("group.MB") }}
        />
        <CheckboxGroup {...common("legal_flags")} values={arr("legal_flags")} options={optionsOf("legal_flags", lang)} />
      </section>

      <section className="form-section">
        <h2>{t("section.report")}</h2>
        <div className="grid">
          <TextField {...common("reported_at")} type="datetime-local" value={str("reported_at")} />
        </div>
      </section>

      <section className="form-section">
        <h2>{t("section.respond")}</h2>
        <div className="grid">
          <TextField {...common("responders")} type="number" min={1} inputMode="numeric" value={str("responders")} hint={t("hint.responders")} />
          <YesNoField {...common("recorded")} value={str("recorded")} labels={yn} />
        </div>
        <CheckboxGroup {...common("responses")} values={arr("responses")} options={optionsOf("responses", lang)} />
      </section>

      <section className="form-section">
        <h2>{t("section.close")}</h2>
        <div className="grid">
          <SelectField {...common("determination")} value={str("determination")} options={optionsOf("determination", lang)} emptyLabel={t("common.unknown")} />
          <TextField {...common("report_submitted_at")} type="date" value={str("report_submitted_at")} hint={t("hint.report_submitted_at")} />
          <SelectField {...common("outcome")} value={str("outcome")} options={optionsOf("outcome", lang)} emptyLabel={t("common.unknown")} />
          <SelectField {...common("status")} value={str("status") || "open"} options={optionsOf("status", lang)} />
          <div className="field-stack">
            <TextField {...common("closed_at")} type="date" value={str("closed_at")} hint={t("hint.closed_at")} />
            <label className="check">
              <input type="checkbox" name={CLOSED_DATE_UNKNOWN} defaultChecked={values[CLOSED_DATE_UNKNOWN] === "on"} /> {t("form.closedDateUnknown")}
            </label>
          </div>
        </div>
        <TextArea {...common("prevention")} value={str("prevention")} maxLength={TEXT_LIMITS.long} />
      </section>

      <section className="form-section">
        <h2>{t("section.care")}</h2>
        <CheckboxGroup {...common("care")} values={arr("care")} options={optionsOf("care", lang)} />
      </section>

      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t("common.save")}
        </button>
        <a href={cancelTo} className="button">
          {t("common.cancel")}
        </a>
      </div>
    </Form>
  );
}
