import { useT } from "~/i18n/use-t";

/** The last review of a measure, with the 「要見直し」 tag when it is older than 12 months or never happened. */
export function ReviewedOn({ reviewedOn, stale }: { reviewedOn: string | null; stale: boolean }) {
  const { t } = useT();
  return (
    <>
      {reviewedOn ?? t("registers.neverReviewed")}
      {stale ? (
        <>
          {" "}
          <span className="status role-admin" title={t("registers.staleHint")}>
            {t("registers.stale")}
          </span>
        </>
      ) : null}
    </>
  );
}
