/**
 * Does a file's content match its extension? A small table of magic bytes for the types evidence may have (ADR 0027):
 * `file-type` would know more types, but it is not among our dependencies and these few are stable, published formats.
 * Text (.txt, .eml) has no signature: it is text when it holds no NUL byte, reads as UTF-8 or Shift_JIS (mail and
 * notes from Japanese systems are often in Shift_JIS) and is not one of the other types.
 */

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** `bytes` at `offset` are exactly `expected`. */
function at(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((b, i) => bytes[offset + i] === b);
}

/** A byte sequence anywhere in the first `within` bytes (a name in a ZIP's directory). */
function contains(bytes: Uint8Array, needle: string, within = bytes.length): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, within)).includes(needle, 0, "latin1");
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** ISO base media (MP4, M4A): a box of type `ftyp` first. */
const isoMedia = (b: Uint8Array) => at(b, 4, ascii("ftyp"));
const riff = (form: string) => (b: Uint8Array) => at(b, 0, ascii("RIFF")) && at(b, 8, ascii(form));

function isText(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  for (const encoding of ["utf-8", "shift_jis"]) {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(b);
      return true;
    } catch {
      // not this encoding; try the next
    }
  }
  return false;
}

/** Extension (lower case, with the dot) → whether the content is of that type. */
export const SIGNATURES: Record<string, (bytes: Uint8Array) => boolean> = {
  ".png": (b) => at(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  ".jpg": (b) => at(b, 0, [0xff, 0xd8, 0xff]),
  ".jpeg": (b) => at(b, 0, [0xff, 0xd8, 0xff]),
  ".gif": (b) => at(b, 0, ascii("GIF87a")) || at(b, 0, ascii("GIF89a")),
  ".webp": riff("WEBP"),
  ".pdf": (b) => at(b, 0, ascii("%PDF-")),
  // An ID3 tag, or straight into an MPEG audio frame (11 bits of frame sync).
  ".mp3": (b) => at(b, 0, ascii("ID3")) || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0),
  ".m4a": isoMedia,
  ".mp4": isoMedia,
  ".wav": riff("WAVE"),
  ".ogg": (b) => at(b, 0, ascii("OggS")),
  // Office files are ZIP archives; the part names say which application's.
  ".docx": (b) => at(b, 0, ZIP) && contains(b, "word/"),
  ".xlsx": (b) => at(b, 0, ZIP) && contains(b, "xl/"),
  ".txt": (b) => isText(b) && !isKnownBinary(b),
  ".eml": (b) => isText(b) && !isKnownBinary(b),
};

/** Content another row of the table claims (a PDF's header is text enough to pass as Shift_JIS). */
function isKnownBinary(b: Uint8Array): boolean {
  return Object.entries(SIGNATURES).some(([ext, test]) => ext !== ".txt" && ext !== ".eml" && test(b));
}

/** Whether `bytes` are of the type `extension` names; false for an extension the table does not know. */
export function contentMatches(extension: string, bytes: Uint8Array): boolean {
  return SIGNATURES[extension.toLowerCase()]?.(bytes) ?? false;
}
