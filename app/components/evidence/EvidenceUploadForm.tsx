import { Form } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/** The evidence upload: several files at once (all are added or none), on the incident's page and after a refusal. */
export function EvidenceUploadForm({ incidentId, limits }: { incidentId: number; limits: { mb: number; types: string; files: number } }) {
  const { t } = useT();
  return (
    <Form method="post" action={`/incidents/${incidentId}/evidence`} encType="multipart/form-data" className="upload-form">
      <div className="field">
        <label htmlFor="evidence-file">{t("evidence.add")}</label>
        <input id="evidence-file" name="file" type="file" accept={limits.types.replace(/ /g, ",")} multiple required aria-describedby="evidence-limits" />
        <p className="hint" id="evidence-limits">
          {t("evidence.limits", { mb: limits.mb, types: limits.types })} {t("evidence.multipleHint")}
        </p>
      </div>
      <button type="submit">{t("evidence.upload")}</button>
    </Form>
  );
}
