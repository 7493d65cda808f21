import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/** Previous / "page n of m" / next, for any paged list; `linkTo(n)` gives the URL of page n. */
export function Pager({ page, pages, linkTo }: { page: number; pages: number; linkTo: (n: number) => string }) {
  const { t } = useT();
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={t("common.pagination")}>
      {page > 1 ? (
        <Link to={linkTo(page - 1)} rel="prev">
          {t("list.prev")}
        </Link>
      ) : (
        <span />
      )}
      <span>{t("list.page", { page, pages })}</span>
      {page < pages ? (
        <Link to={linkTo(page + 1)} rel="next">
          {t("list.next")}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
