/**
 * A CSV download offered in both encodings (docs/decisions/0019): the page's own label as the UTF-8 link (as before),
 * and a Shift_JIS link for Excel beside it. Plain links, so they work without JavaScript. The Shift_JIS link has no
 * `download` attribute: when the data holds a character Shift_JIS cannot write, the server answers with a page that
 * says so (and links to UTF-8), which the browser then shows instead of reporting a failed download.
 */
import { useT } from "~/i18n/use-t";
import { withEncoding } from "~/modules/csv-encoding";

export interface CsvDownloadProps {
  /** The route of the file; its query (filters, period…) is kept. */
  href: string;
  /** What the file is, e.g. 「CSVをダウンロード」: the UTF-8 link's text and the group's name. */
  label: string;
  /** Classes of the wrapper (placement). */
  className?: string;
  /** Classes of each link, e.g. "button". */
  linkClassName?: string;
}

export function CsvDownload({ href, label, className, linkClassName }: CsvDownloadProps) {
  const { t } = useT();
  return (
    <span className={className ? `csv-download ${className}` : "csv-download"} role="group" aria-label={t("common.csvChoice", { label })}>
      <a href={withEncoding(href, "utf-8")} className={linkClassName} download>
        {label}
        {t("common.csvUtf8")}
      </a>{" "}
      <a href={withEncoding(href, "shift_jis")} className={linkClassName}>
        {t("common.csvSjis")}
      </a>
    </span>
  );
}
