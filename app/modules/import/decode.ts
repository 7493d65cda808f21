/**
 * Bytes → text for the importer. Excel in Japan saves "CSV" as Shift_JIS (CP932), "Unicode text" as UTF-16LE with a
 * BOM, and newer versions UTF-8 with or without a BOM. The encoding is detected from the first bytes and can be
 * overridden; decoding is incremental (decode-stream.server.ts) so a file of any size is never held in memory.
 */
export const ENCODINGS = ["utf-8", "shift_jis", "utf-16le"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type Detection =
  | { ok: true; encoding: Encoding; bom: boolean }
  | { ok: false; reason: "binary" | "unknownEncoding" | "empty" };

const startsWith = (b: Uint8Array, sig: number[]) => sig.every((v, i) => b[i] === v);

function decodesCleanly(label: string, sample: Uint8Array): boolean {
  try {
    // `stream: true`: a character cut in two at the end of the sample is not an error.
    new TextDecoder(label, { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Looks at the first bytes of a file (64 KiB is plenty). */
export function detectEncoding(sample: Uint8Array): Detection {
  if (sample.length === 0) return { ok: false, reason: "empty" };
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return { ok: true, encoding: "utf-8", bom: true };
  if (startsWith(sample, [0xff, 0xfe])) return { ok: true, encoding: "utf-16le", bom: true };
  // Text files never hold NUL outside UTF-16; a NUL here means a binary file (a spreadsheet saved as .xlsx, an image…).
  if (sample.includes(0)) return { ok: false, reason: "binary" };
  if (decodesCleanly("utf-8", sample)) return { ok: true, encoding: "utf-8", bom: false };
  if (decodesCleanly("shift_jis", sample)) return { ok: true, encoding: "shift_jis", bom: false };
  return { ok: false, reason: "unknownEncoding" };
}

/** Comma or tab: whichever the header line uses more, outside quotes. */
export function detectDelimiter(firstText: string): "," | "\t" {
  return readHeaderDelimiter(firstText).delimiter;
}

/** The delimiter, and whether the header line ended within the text (so more text could not change the answer). */
export function readHeaderDelimiter(firstText: string): { delimiter: "," | "\t"; complete: boolean } {
  let commas = 0;
  let tabs = 0;
  let quoted = false;
  let complete = false;
  for (const ch of firstText) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) {
      // The header line decides; blank lines before it do not.
      if (commas + tabs > 0) {
        complete = true;
        break;
      }
    }
    else if (!quoted && ch === ",") commas++;
    else if (!quoted && ch === "\t") tabs++;
  }
  return { delimiter: tabs > commas ? "\t" : ",", complete };
}
