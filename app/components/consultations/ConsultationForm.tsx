/** The consultation form, the same on the new page and the detail page (edit). */
import { Form, Link, useNavigation } from "@remix-run/react";
import { SelectField, TextArea, TextField } from "~/components/ui/fields";
import { VersionField } from "~/components/ui/ConflictPanel";
import type { Message } from "~/i18n";
import { useT } from "~/i18n/use-t";
import {
  CONSULTATION_ROUTES, EMPLOYEE_REF_MAX, FOLLOW_UP_MAX, type ConsultationField, type ConsultationFormValues,
} from "~/modules/consultations/schema";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export function ConsultationForm({
  values,
  errors,
  today,
  submitLabel,
  cancelTo,
  formKey,
  version,
}: {
  values: ConsultationFormValues;
  errors?: Partial<Record<string, Message>>;
  today: string;
  submitLabel: string;
  cancelTo: string;
  /** A new key resets the uncontrolled inputs (after a save, to what is stored). */
  formKey?: string;
  /** Editing: the version of the consultation the values belong to, posted with them (none for a new one). */
  version?: number;
}) {
  const { t, lang } = useT();
  const busy = useNavigation().state === "submitting";
  const err = (f: ConsultationField) => {
    const e = errors?.[f];
    return e ? t(e.key, e.params) : undefined;
  };
  const invalid = !!errors && Object.keys(errors).length > 0;
  return (
    <Form method="post" className="card stack" noValidate key={formKey}>
      <DraftKeeper />
      {version === undefined ? null : <VersionField version={version} />}
      {invalid ? (
        <p className="error-summary" role="alert">
          {t("consultations.errors.summary")}
        </p>
      ) : null}
      <p className="notice">{t("consultations.pseudonymNote")}</p>
      <div className="grid">
        <TextField
          name="receivedOn"
          type="date"
          max={today}
          label={t("consultations.field.receivedOn")}
          value={values.receivedOn}
          error={err("receivedOn")}
          required
          requiredLabel={t("form.required")}
        />
        <SelectField
          name="route"
          label={t("consultations.field.route")}
          value={values.route}
          error={err("route")}
          required
          requiredLabel={t("form.required")}
          emptyLabel={t("common.select")}
          options={CONSULTATION_ROUTES.map((r) => ({ value: r.code, label: r[lang] }))}
        />
        <TextField
          name="employeeRef"
          maxLength={EMPLOYEE_REF_MAX}
          autoComplete="off"
          label={t("consultations.field.employeeRef")}
          value={values.employeeRef}
          error={err("employeeRef")}
          hint={t("consultations.field.employeeRefHint", { n: EMPLOYEE_REF_MAX })}
        />
      </div>
      <div className={`field${err("anonymous") ? " has-error" : ""}`}>
        <label className="checkbox">
          <input
            type="checkbox"
            name="anonymous"
            value="on"
            defaultChecked={values.anonymous !== "" && values.anonymous !== "false" && values.anonymous !== "0"}
            aria-describedby="anonymous-hint"
          />{" "}
          {t("consultations.field.anonymous")}
        </label>
        <p className="hint" id="anonymous-hint">
          {t("consultations.field.anonymousHint")}
        </p>
        {err("anonymous") ? (
          <p className="field-error" role="alert">
            {err("anonymous")}
          </p>
        ) : null}
      </div>
      <div className="grid">
        <TextField
          name="firstResponseOn"
          type="date"
          max={today}
          label={t("consultations.field.firstResponseOn")}
          value={values.firstResponseOn}
          error={err("firstResponseOn")}
          hint={t("consultations.field.firstResponseOnHint")}
        />
        <TextField
          name="closedOn"
          type="date"
          max={today}
          label={t("consultations.field.closedOn")}
          value={values.closedOn}
          error={err("closedOn")}
          hint={t("consultations.field.closedOnHint")}
        />
        <TextField
          name="incidentId"
          autoComplete="off"
          label={t("consultations.field.incidentId")}
          value={values.incidentId}
          error={err("incidentId")}
          hint={t("consultations.field.incidentIdHint")}
        />
      </div>
      <TextArea
        name="followUp"
        rows={6}
        maxLength={FOLLOW_UP_MAX}
        label={t("consultations.field.followUp")}
        value={values.followUp}
        error={err("followUp")}
        hint={t("consultations.field.followUpHint", { n: FOLLOW_UP_MAX })}
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        <Link to={cancelTo} className="button">
          {t("common.cancel")}
        </Link>
      </div>
    </Form>
  );
}
