import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/** The end of a filter form: apply, and clear (back to the page without any filter). */
export function FilterActions({ clearTo }: { clearTo: string }) {
  const { t } = useT();
  return (
    <div className="filter-actions">
      <button type="submit" className="primary">
        {t("list.apply")}
      </button>
      <Link to={clearTo} className="button">
        {t("list.clear")}
      </Link>
    </div>
  );
}
