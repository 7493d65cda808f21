/**
 * The encodings a CSV download is offered in, and how a link asks for one (`?encoding=`). Pure, for the pages' links;
 * the server side is csv-download.server.ts. docs/decisions/0019-csv-download-encodings.md
 */
export const CSV_ENCODINGS = ["utf-8", "shift_jis"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The query parameter that picks the encoding. */
export const ENCODING_PARAM = "encoding";

/** A download link with its encoding set; the rest of its query (filters, period…) is kept as it is. */
export function withEncoding(href: string, encoding: CsvEncoding): string {
  const hash = href.indexOf("#");
  const base = hash === -1 ? href : href.slice(0, hash);
  const q = base.indexOf("?");
  const path = q === -1 ? base : base.slice(0, q);
  const params = new URLSearchParams(q === -1 ? "" : base.slice(q + 1));
  params.set(ENCODING_PARAM, encoding);
  return `${path}?${params.toString()}`;
}
