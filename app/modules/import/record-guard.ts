/**
 * A ceiling on the length of one record, applied to the decoded text before papaparse sees it.
 *
 * Papaparse keeps an unfinished record and parses it again with every further chunk, so one record that never ends —
 * a quote that is never closed, a binary file without line breaks, a 50 MB cell — costs time quadratic in its length
 * and memory for all of it (20 MB took 4 s and 500 MB; a large file never finished). No real row comes near the
 * ceiling: Excel holds at most 32,767 characters in a cell, the longest fields take 10,000.
 *
 * The guard follows records the way papaparse splits them (docs/decisions/0004 uses papaparse with the delimiter of
 * the header line and the line ending papaparse guesses from its first chunk): a quote opens a quoted field only at
 * the start of a field; inside it `""` is a quote, and a quote closes the field only when white space and then the
 * delimiter or the line ending follow. To know both, it holds the text back until the header line is complete (at
 * most HOLD_CHARS, at least FIRST_CHUNK_CHARS), and hands it on as one chunk: papaparse then guesses its line ending
 * from the same text.
 */
import type { Message } from "~/i18n";
import { AppError } from "../errors";
import { readHeaderDelimiter } from "./decode";

/** The longest record accepted, in UTF-16 code units (what papaparse holds in memory). */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** At most this much is held back while the header line is not complete. */
const HOLD_CHARS = 256 * 1024;
/** At least this much is handed on first (or the whole file): what papaparse guesses its line ending from. */
const FIRST_CHUNK_CHARS = 64 * 1024;

/** A record longer than MAX_RECORD_CHARS: the file cannot be read (the importer stops; exit 2 on the command line). */
export class RecordTooLong extends AppError {
  constructor(public readonly record: number) {
    super(422, "import.file.recordTooLong", {
      params: { max: MAX_RECORD_CHARS.toLocaleString("en-US") },
      logMessage: `record ${record} is longer than ${MAX_RECORD_CHARS} characters`,
    });
    this.name = "RecordTooLong";
  }

  /** What the user reads (the importer stops with it as an UnusableFile). */
  get detail(): Message {
    return this.userFacing;
  }
}

/** papaparse's own guess (ParserHandle.guessLineEndings), on the text it will be given first. */
export function guessLineEnding(text: string): "\n" | "\r" | "\r\n" {
  const input = text.substring(0, 1024 * 1024).replace(/"([^]*?)"/gm, "");
  const r = input.split("\r");
  const n = input.split("\n");
  if (r.length === 1 || (n.length > 1 && n[0].length < r[0].length)) return "\n";
  let withN = 0;
  for (const part of r) if (part[0] === "\n") withN++;
  return withN >= r.length / 2 ? "\r\n" : "\r";
}

// The states of the current field.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: an escaped quote, the end of the field, or (papaparse: InvalidQuotes) text. */
const QUOTE_SEEN = 3;
/** White space after such a quote: the field still ends if the delimiter or the line ending follows. */
const QUOTE_SPACE = 4;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === CR || c === LF || c === 0xa0 || c === 0xfeff || c === 0x3000 || (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f)) || c === 0x1680;

export class RecordGuard {
  private held = "";
  private started = false;
  private delimiter = 0;
  /** The line ending: "\n", "\r", or "\r\n" (a CR is then remembered until the next character says). */
  private ending: "\n" | "\r" | "\r\n" = "\n";
  private state: number = FIELD_START;
  private crPending = false;
  private length = 0;
  private record = 1;

  /** `limit`: the longest record accepted; `firstChunk`: the least text handed on first (tests use small ones). */
  constructor(
    private readonly limit = MAX_RECORD_CHARS,
    private readonly firstChunk = FIRST_CHUNK_CHARS,
  ) {}

  /** Text in, the text to hand on now ("" while the header line is held back). Throws RecordTooLong. */
  push(text: string): string {
    if (this.started) {
      this.scan(text);
      return text;
    }
    this.held += text;
    const header = readHeaderDelimiter(this.held);
    // Not on a CR that may be half of a CRLF: the guess would take the file for one with CR line endings.
    const ready = this.held.length >= HOLD_CHARS || (header.complete && this.held.length >= this.firstChunk && !this.held.endsWith("\r"));
    return ready ? this.start(header.delimiter) : "";
  }

  /** The end of the text: whatever is still held. */
  end(): string {
    return this.started ? "" : this.start(readHeaderDelimiter(this.held).delimiter);
  }

  private start(delimiter: "," | "\t"): string {
    this.started = true;
    this.delimiter = delimiter.charCodeAt(0);
    this.ending = guessLineEnding(this.held);
    const text = this.held;
    this.held = "";
    this.scan(text);
    return text;
  }

  private scan(text: string): void {
    const delimiter = this.delimiter;
    const crlf = this.ending === "\r\n";
    const newline = this.ending === "\r" ? CR : LF;
    const end = text.length;
    const stop = delimiter === 0x09 ? /[\t\r\n]/g : /[,\r\n]/g;
    let state = this.state;
    let length = this.length;
    let crPending = this.crPending;
    // `start` is where the current record began in this text (negative: in an earlier one); length = i - start + 1.
    let start = -length;
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (crPending) {
        crPending = false;
        if (c === LF) {
          state = FIELD_START;
          start = i + 1;
          this.record++;
          continue;
        }
      }
      if (state === QUOTED) {
        // Most of a quoted field: jump to its next quote.
        const q = text.indexOf('"', i);
        if (q === -1) {
          i = end - 1;
        } else {
          i = q;
          state = QUOTE_SEEN;
        }
      } else if (state === FIELD_START || state === UNQUOTED) {
        if (state === FIELD_START && c === QUOTE) state = QUOTED;
        else if (c === delimiter) state = FIELD_START;
        else if (crlf && c === CR) {
          state = UNQUOTED;
          crPending = true;
        } else if (!crlf && c === newline) {
          state = FIELD_START;
          start = i + 1;
          this.record++;
          continue;
        } else {
          // Most of an unquoted field: skip to the next character that can end it.
          state = UNQUOTED;
          stop.lastIndex = i + 1;
          i = stop.test(text) ? stop.lastIndex - 2 : end - 1;
        }
      } else {
        // QUOTE_SEEN or QUOTE_SPACE
        if (c === QUOTE) state = state === QUOTE_SEEN ? QUOTED : QUOTE_SEEN;
        else if (c === delimiter) state = FIELD_START;
        else if (crlf && c === CR) {
          state = QUOTE_SPACE;
          crPending = true;
        } else if (!crlf && c === newline) {
          state = FIELD_START;
          start = i + 1;
          this.record++;
          continue;
        } else state = isSpace(c) ? QUOTE_SPACE : QUOTED;
      }
      if (i - start + 1 > this.limit) throw new RecordTooLong(this.record);
    }
    this.state = state;
    this.crPending = crPending;
    this.length = end - start;
  }
}
