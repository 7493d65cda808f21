/**
 * Every CSV download of the app, in the encoding the user picks on the link (docs/decisions/0019):
 * - `utf-8` (the default): UTF-8 with a BOM, which Excel needs to show Japanese from a double-clicked file;
 * - `shift_jis`: Windows-31J (CP932, what Japanese Excel writes and reads as "CSV"), without a BOM, labelled
 *   `charset=Shift_JIS`.
 * CP932 cannot hold every character (𠮷, emoji, ¥ as a character of its own, 〜 WAVE DASH…), and iconv-lite writes `?`
 * for those. Data is never lost that way: a text holding such a character is refused with a 422 page naming them and
 * linking to the same download in UTF-8. A streamed file is read twice for that (a check pass, then the file).
 */
import iconv from "iconv-lite";
import { langFromCookie, translate, type MessageKey, type Params } from "~/i18n";
import { toCsv } from "./csv";
import { ENCODING_PARAM, type CsvEncoding, withEncoding } from "./csv-encoding";
import { AppError } from "./errors";

export { CSV_ENCODINGS, ENCODING_PARAM, type CsvEncoding } from "./csv-encoding";

/** A download that cannot be made as asked: shown as a small page in the user's language, not as a file. */
export class CsvDownloadError extends AppError {
  constructor(status: 400 | 422, key: MessageKey, params: Params) {
    super(status, key, { params });
    this.name = "CsvDownloadError";
  }
}

/** The encoding asked for by `?encoding=`; absent means UTF-8; anything else is a 400. */
export function csvEncodingOf(url: URL): CsvEncoding {
  const value = url.searchParams.get(ENCODING_PARAM);
  if (value === null || value === "") return "utf-8";
  const v = value.trim().toLowerCase();
  if (v === "utf-8" || v === "utf8") return "utf-8";
  if (v === "shift_jis" || v === "sjis" || v === "cp932") return "shift_jis";
  throw new CsvDownloadError(400, "download.badEncoding", { value: value.slice(0, 40) });
}

// ---------- what CP932 can hold ----------

const CP932 = "cp932";
/** The importer's decoder (WHATWG Shift_JIS, which is CP932 too): a character must come back from both decoders. */
const whatwg = new TextDecoder("shift_jis");
/** Per BMP code unit: 0 not yet known, 1 written and read back as itself, 2 not. */
const known = new Uint8Array(0x10000);

function bmpEncodable(code: number): boolean {
  let k = known[code];
  if (k === 0) {
    const ch = String.fromCharCode(code);
    const bytes = iconv.encode(ch, CP932);
    k = iconv.decode(bytes, CP932) === ch && whatwg.decode(bytes) === ch ? 1 : 2;
    known[code] = k;
  }
  return k === 1;
}

/**
 * The distinct characters of `text` that CP932 cannot write so that they read back the same, in order of first
 * appearance, at most `limit` of them. Characters outside the BMP (𠮷, emoji) are never in CP932.
 */
export function unencodableChars(text: string, limit = 5): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    let ch: string;
    if (c >= 0xd800 && c <= 0xdfff) {
      const astral = c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      ch = astral ? text.slice(i, i + 2) : text[i];
      if (astral) i++;
    } else if (bmpEncodable(c)) continue;
    else ch = text[i];
    if (!found.includes(ch)) {
      found.push(ch);
      if (found.length >= limit) break;
    }
  }
  return found;
}

/** How the 422 page names a character: itself and its code point, so a blank-looking one (U+00A0) can be found. */
export function describeChar(ch: string): string {
  return `「${ch}」(U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
}

function unencodableError(chars: string[]): CsvDownloadError {
  return new CsvDownloadError(422, "download.unencodable", { chars: chars.map(describeChar).join(" ") });
}

/**
 * Seven characters of JIS X 0208 that Unicode has two code points for, by the JIS table and by Microsoft's (CP932):
 * WAVE DASH 〜 and FULLWIDTH TILDE ～ are one JIS character (0x8160), and so on. A file for reading (a report, a chart,
 * the audit log) writes the JIS form as that JIS character, which Excel shows in its CP932 form; a file meant to be
 * imported again must give back the very same code point, so there they are refused like any other (0019).
 */
const JIS_VARIANTS: Record<string, string> = {
  "\u301C": "\uFF5E", "\u2016": "\u2225", "\u2212": "\uFF0D", "\u00A2": "\uFFE0", "\u00A3": "\uFFE1", "\u00AC": "\uFFE2",
  "\u2014": "\u2015",
};
const JIS_VARIANT = /[\u301C\u2016\u2212\u00A2\u00A3\u00AC\u2014]/g;

/**
 * What a file is for: `reimport` (the default: the incident export, the error file, the template) keeps every character
 * exactly or refuses; `reading` also writes the seven JIS variants above.
 */
export type CsvPurpose = "reimport" | "reading";

export interface CsvOptions {
  purpose?: CsvPurpose;
  /** Headers besides the type and the file name; `Cache-Control: no-store` unless given. */
  headers?: Record<string, string>;
}

const BOM = "\uFEFF";
const utf8 = new TextEncoder();

/**
 * CSV text → the bytes of a file in `encoding` (a BOM the text starts with is dropped first): UTF-8 gets its BOM when
 * `start` (the first piece of a file), Shift_JIS never has one. Throws the 422 when CP932 cannot hold the text.
 */
export function encodeCsv(text: string, encoding: CsvEncoding, start = true, purpose: CsvPurpose = "reimport"): Uint8Array<ArrayBuffer> {
  let body = text.startsWith(BOM) ? text.slice(1) : text;
  if (encoding === "utf-8") return utf8.encode(start ? BOM + body : body);
  if (purpose === "reading") body = body.replace(JIS_VARIANT, (c) => JIS_VARIANTS[c]);
  const bad = unencodableChars(body);
  if (bad.length) throw unencodableError(bad);
  // A Buffer on a plain ArrayBuffer (never a shared one), which a Response body accepts.
  return iconv.encode(body, CP932) as Uint8Array<ArrayBuffer>;
}

// ---------- responses ----------

/** `report.csv` → `report-sjis.csv`, so the two files can be told apart in the downloads folder. */
export function fileNameFor(name: string, encoding: CsvEncoding): string {
  if (encoding === "utf-8") return name;
  const dot = name.toLowerCase().endsWith(".csv") ? name.length - 4 : name.length;
  return `${name.slice(0, dot)}-sjis${name.slice(dot)}`;
}

export interface CsvFileName {
  /** ASCII name, for the `filename` parameter every browser reads. */
  ascii: string;
  /** A name with Japanese, for `filename*` (RFC 6266), when there is one. */
  unicode?: string;
}

function headersFor(name: CsvFileName, encoding: CsvEncoding, extra: Record<string, string> = { "Cache-Control": "no-store" }): Record<string, string> {
  const ascii = fileNameFor(name.ascii, encoding);
  const unicode = name.unicode ? `; filename*=UTF-8''${encodeURIComponent(fileNameFor(name.unicode, encoding))}` : "";
  return {
    "Content-Type": encoding === "utf-8" ? "text/csv; charset=utf-8" : "text/csv; charset=Shift_JIS",
    "Content-Disposition": `attachment; filename="${ascii}"${unicode}`,
    ...extra,
  };
}

/** A whole CSV text as a download in `encoding` (throws the 422 when Shift_JIS cannot hold it). */
export function csvResponse(text: string, encoding: CsvEncoding, name: CsvFileName, opts: CsvOptions = {}): Response {
  return new Response(encodeCsv(text, encoding, true, opts.purpose), { headers: headersFor(name, encoding, opts.headers) });
}

/**
 * A CSV too large to hold, read in pages. `page(cursor)` returns rows and the next cursor (null at the end); it must
 * give the same rows when run again from the start (bound the range when the pager starts), since a Shift_JIS file
 * is read twice: a check pass over the cells, then the file.
 */
export interface CsvPager<C> {
  header: (string | number)[][];
  page(cursor: C | null): { rows: (string | number | null)[][]; next: C | null };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The first characters CP932 cannot hold in every cell of the pager, read page by page between event-loop turns. */
export async function scanPager<C>(pager: CsvPager<C>, limit = 5, purpose: CsvPurpose = "reimport"): Promise<string[]> {
  const found: string[] = [];
  const add = (cells: readonly (string | number | null)[]) => {
    for (const cell of cells) {
      if (typeof cell !== "string") continue;
      const text = purpose === "reading" ? cell.replace(JIS_VARIANT, (c) => JIS_VARIANTS[c]) : cell;
      for (const ch of unencodableChars(text, limit)) if (!found.includes(ch) && found.length < limit) found.push(ch);
    }
  };
  pager.header.forEach(add);
  let cursor: C | null = null;
  for (;;) {
    const { rows, next } = pager.page(cursor);
    rows.forEach(add);
    if (found.length >= limit || next === null) return found;
    cursor = next;
    await nextTurn();
  }
}

/**
 * A paged CSV as a streamed download. For Shift_JIS the cells are checked first (the 422 when one cannot be written);
 * should a row change between the check and its turn in the file so that it can no longer be written, the stream is
 * aborted: the browser then reports a failed download rather than keep a file with `?` in it.
 */
export async function csvStreamResponse<C>(
  pager: CsvPager<C>,
  encoding: CsvEncoding,
  name: CsvFileName,
  opts: CsvOptions = {},
): Promise<Response> {
  if (encoding === "shift_jis") {
    const bad = await scanPager(pager, 5, opts.purpose);
    if (bad.length) throw unencodableError(bad);
  }
  let cursor: C | null = null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encodeCsv(`${toCsv(pager.header)}\r\n`, encoding, true, opts.purpose));
    },
    pull(controller) {
      const { rows, next } = pager.page(cursor);
      try {
        if (rows.length) controller.enqueue(encodeCsv(`${toCsv(rows)}\r\n`, encoding, false, opts.purpose));
      } catch (e) {
        console.error(`csv download: ${name.ascii} changed while it was written and cannot be written in ${encoding}`, e);
        controller.error(e);
        return;
      }
      if (next === null) controller.close();
      cursor = next;
    },
  });
  return new Response(body, { headers: headersFor(name, encoding, opts.headers) });
}

// ---------- the page shown instead of a file ----------

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The same download in UTF-8: the request's own path and query with `encoding=utf-8`. */
export function utf8HrefOf(url: URL): string {
  return withEncoding(url.pathname + url.search, "utf-8");
}

/** The page for a download that cannot be made: the reason, and a link to the same file in UTF-8. */
export function downloadProblemPage(request: Request, e: CsvDownloadError): Response {
  const lang = langFromCookie(request.headers.get("Cookie"));
  const t = (key: MessageKey, params?: Params) => escapeHtml(translate(lang, key, params));
  const url = new URL(request.url);
  const html = `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("download.title")}</title></head>
<body>
<main>
<h1>${t("download.title")}</h1>
<p role="alert">${t(e.userMessage, e.params)}</p>
<p><a href="${escapeHtml(utf8HrefOf(url))}">${t("download.utf8Instead")}</a></p>
<p>${t("download.back")}</p>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: e.status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The frame of every CSV route: reads the encoding, runs `make`, and turns a download that cannot be made (a bad
 * encoding, characters Shift_JIS cannot hold) into its page. Other errors pass on as usual.
 */
export async function csvDownload(
  request: Request,
  make: (encoding: CsvEncoding) => Response | Promise<Response>,
): Promise<Response> {
  try {
    return await make(csvEncodingOf(new URL(request.url)));
  } catch (e) {
    if (e instanceof CsvDownloadError) return downloadProblemPage(request, e);
    throw e;
  }
}
