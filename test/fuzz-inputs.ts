/**
 * Hostile input shared by the fuzz tests (test/import-fuzz.test.ts, test/e2e/fuzz.e2e.ts): a small deterministic PRNG
 * (mulberry32, so a failing case can be run again from its seed), hostile strings, the hostile files of the issue
 * (empty, binary renamed .csv, 10,000 columns, a 5 MB cell, 100,000 quotes, an unclosed quote, NUL and U+FFFD…) and
 * random CSV files in which at least one row must be refused.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HEADER_ALIASES } from "~/modules/import/columns";
import type { IncidentField } from "~/modules/incidents/schema";

// ---------- a small deterministic PRNG ----------

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number, { noZero = false } = {}): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = noZero ? 1 + this.int(255) : this.int(256);
    return b;
  }
}

// ---------- hostile material ----------

const FIXTURES = fileURLToPath(new URL("./fixtures/import/", import.meta.url));

/** Values a cell may hold: good ones (so rows get far into validation) and hostile ones. */
const GOOD: Partial<Record<IncidentField, readonly string[]>> = {
  occurred_at: ["2025-04-01", "令和7年4月1日 10時30分", "R7.4.1", "45748", "2025/4/1 10:30"],
  channel: ["C1", "電話", "メール", "SNS"],
  behaviours: ["MA01", "暴言;威圧", "MA05 執拗な言動"],
  department: ["東京本店", "大阪支店"],
  client: ["ABC商事", ""],
  summary: ["同じ内容の電話を繰り返した。", "改行を含む\n概要"],
  severity: ["2", "重大"],
  status: ["open", "対応中"],
};
export const HOSTILE_TEXT = [
  "\u0000",
  "a\u0000b",
  "\u0007ベル",
  "\u001b[31mESC",
  "\uFFFD",
  "文字\uFFFD化け",
  "\u007f",
  "\u0085C1",
  "\u009b",
  "\uFFFE",
  "=cmd|' /C calc'!A0",
  '"',
  '""',
  '"a"b"',
  "'; drop table incidents; --",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "\u202Eright-to-left",
  "😀😀😀",
  "２０２５－０２－３０",
  "9".repeat(400),
  "-1",
  "1e308",
  "NaN",
];
/** What surely makes a row invalid when it lands in a text field (summary, department…) or a date. */
export const POISON_TEXT = ["\u0000", "x\u0001y", "\u0008", "\u001f", "\u007f", "\u0080", "\u009f", "\uFFFD", "\uFFFF", "a".repeat(10_001)];
export const POISON_DATE = ["2025-02-30", "令和元年4月1日", "2099-01-01", "\u0000", "ない日付"];
const TEXT_FIELDS: IncidentField[] = ["summary", "verbatim", "prevention"];

export type Encoding = "utf-8" | "utf-8-bom" | "utf-16le";

export function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === "utf-16le") return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const body = Buffer.from(text, "utf8");
  return encoding === "utf-8-bom" ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

function csvCell(value: string, delimiter: string, rng: Rng): string {
  // Quoted as Excel would, or always; the structure itself is broken on purpose further on (an unclosed quote).
  return /["\r\n]/.test(value) || value.includes(delimiter) || rng.chance(0.3) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A random CSV file in which at least one row must be refused. */
export function randomCsv(rng: Rng): { content: Buffer; note: string } {
  const delimiter = rng.chance(0.25) ? "\t" : ",";
  const newline = rng.pick(["\r\n", "\n", "\r"]);
  const encoding = rng.pick<Encoding>(["utf-8", "utf-8", "utf-8-bom", "utf-16le"]);
  const fields: IncidentField[] = ["occurred_at", "channel", "behaviours", ...TEXT_FIELDS];
  for (const f of Object.keys(HEADER_ALIASES) as IncidentField[]) if (!fields.includes(f) && rng.chance(0.3)) fields.push(f);
  const columns: { header: string; field: IncidentField | null }[] = fields.map((f) => ({ header: rng.pick(HEADER_ALIASES[f]), field: f }));
  for (let i = rng.int(6); i > 0; i--) {
    columns.splice(rng.int(columns.length + 1), 0, { header: rng.pick(["備考", "__proto__", "constructor", "", "列\u0000", "x".repeat(300)]), field: null });
  }
  if (rng.chance(0.2)) columns.push({ header: columns[0].header, field: null }); // a repeated column is ignored
  // A NUL in the first MiB of a UTF-8 file makes it "binary" before any row is read: mostly keep it for UTF-16.
  const hostile = () => {
    const v = rng.pick(HOSTILE_TEXT);
    return encoding !== "utf-16le" && rng.chance(0.9) ? v.replace(/\u0000/g, "\u0001") : v;
  };
  const rows: string[][] = [];
  const rowCount = 1 + rng.int(30);
  const poisoned = rng.int(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row = columns.map((c) => {
      if (!c.field) return rng.chance(0.5) ? hostile() : "";
      const good = GOOD[c.field];
      if (rng.chance(0.15)) return hostile();
      if (rng.chance(0.02)) return hostile().repeat(1 + rng.int(2000));
      return good ? rng.pick(good) : "";
    });
    if (r === poisoned) {
      const target = rng.chance(0.7) ? rng.pick(TEXT_FIELDS) : "occurred_at";
      const i = columns.findIndex((c) => c.field === target);
      row[i] = target === "occurred_at" ? rng.pick(POISON_DATE) : `${rng.chance(0.5) ? "前" : ""}${rng.pick(POISON_TEXT)}${rng.chance(0.5) ? "後" : ""}`;
    }
    rows.push(row);
  }
  const lines = [columns.map((c) => csvCell(c.header, delimiter, rng)), ...rows.map((row) => row.map((v) => csvCell(v, delimiter, rng)))];
  let text = lines.map((l) => l.join(delimiter)).join(newline) + (rng.chance(0.7) ? newline : "");
  let note = `${encoding} ${JSON.stringify(delimiter)} ${JSON.stringify(newline)} ${columns.length} cols ${rowCount} rows`;
  if (rng.chance(0.1)) {
    // A quote opened somewhere and never closed.
    const at = text.indexOf(newline) + newline.length + rng.int(Math.max(1, text.length / 2));
    text = `${text.slice(0, at)}"${text.slice(at)}`;
    note += " +unclosed quote";
  }
  let content = encode(text, encoding);
  if (rng.chance(0.1)) {
    // A line of bytes that are no text at all (no quote or line break among them), after the header.
    const garbage = Buffer.from([...rng.bytes(1 + rng.int(64))].filter((b) => b !== 0x22 && b !== 0x0a && b !== 0x0d));
    const lf = content.indexOf(0x0a);
    const at = lf === -1 ? content.length : lf + (encoding === "utf-16le" ? 2 : 1);
    content = Buffer.concat([content.subarray(0, at), garbage, Buffer.from(encoding === "utf-16le" ? "\n\u0000" : "\n", "latin1"), content.subarray(at)]);
    note += " +random bytes";
  }
  return { content, note };
}

export const H = "発生日時,発生場面,行為類型,概要\r\n";
export const ROW = "2025-04-01,C1,MA01,";

/** The named hostile files of the issue, and a few more. */
export function hostileFiles(rng: Rng): { name: string; content: Buffer }[] {
  const sjis = fs.readFileSync(path.join(FIXTURES, "sample-sjis.csv"));
  const cols10k = Array.from({ length: 10_000 }, (_, i) => `列${i}`);
  const required10k = ["発生日時", "発生場面", "行為類型", ...cols10k.slice(3)];
  const bigUnclosed = 30 * 1024 * 1024;
  const pad = Buffer.alloc(1024 * 1024 + 10, "2025-04-01,C1,MA01,padding\r\n");
  return [
    { name: "empty.csv", content: Buffer.alloc(0) },
    { name: "png-renamed.csv", content: Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), rng.bytes(4096)]) },
    { name: "zip-renamed.csv", content: Buffer.concat([Buffer.from("504b0304140000000800", "hex"), rng.bytes(4096)]) },
    { name: "pdf-renamed.csv", content: Buffer.concat([Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"), rng.bytes(4096)]) },
    { name: "gzip-renamed.csv", content: Buffer.concat([Buffer.from("1f8b0800000000000003", "hex"), rng.bytes(4096)]) },
    { name: "random-bytes.csv", content: rng.bytes(64 * 1024) },
    { name: "random-bytes-no-nul.csv", content: rng.bytes(64 * 1024, { noZero: true }) },
    { name: "utf-16be-bom.csv", content: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(H + ROW + "概要\r\n", "utf16le").swap16()]) },
    { name: "only-bom.csv", content: Buffer.from([0xef, 0xbb, 0xbf]) },
    { name: "only-newlines.csv", content: Buffer.from("\r\n\n\r\n   \n") },
    { name: "cols-10000.csv", content: Buffer.from(`${cols10k.join(",")}\r\n${cols10k.map((_, i) => i).join(",")}\r\n`) },
    {
      name: "cols-10000-required.csv",
      content: Buffer.from(`${required10k.join(",")}\r\n2025-04-01,C1,MA01,${cols10k.slice(3).map(() => "\u0007").join(",")}\r\n2025-02-30,C1,MA01\r\n`),
    },
    { name: "cell-5mb-quoted.csv", content: Buffer.from(`${H}${ROW}"${"あ".repeat(5 * 1024 * 1024)}"\r\n`) },
    { name: "cell-5mb-plain.csv", content: Buffer.from(`${H}${ROW}${"a".repeat(5 * 1024 * 1024)}\r\n`) },
    { name: "quotes-100000.csv", content: Buffer.from(`${H}${ROW}${'"'.repeat(100_000)}\r\n`) },
    { name: "quotes-100001-open.csv", content: Buffer.from(`${H}${ROW}${'"'.repeat(100_001)}\r\n${ROW}x\r\n`) },
    { name: "quotes-nested.csv", content: Buffer.from(`${H}${ROW}"${'""'.repeat(50_000)}a${'""'.repeat(50_000)}"\r\n`) },
    { name: "unclosed-quote.csv", content: Buffer.from(`${H}${ROW}"abc\r\n${ROW}def\r\n`) },
    { name: "unclosed-quote-first-cell.csv", content: Buffer.from(`${H}"2025-04-01,C1,MA01,abc\r\n${ROW}def\r\n`) },
    { name: "unclosed-quote-30mb.csv", content: Buffer.concat([Buffer.from(`${H}${ROW}"`), Buffer.alloc(bigUnclosed, "2025-04-01,C1,MA01,x\r\n")]) },
    { name: "nul-in-sample.csv", content: Buffer.from(`${H}${ROW}a\u0000b\r\n`) },
    { name: "nul-after-sample.csv", content: Buffer.concat([Buffer.from(H), pad.subarray(0, pad.lastIndexOf("\r\n") + 2), Buffer.from(`${ROW}a\u0000b\r\n`)]) },
    { name: "nul-utf16.csv", content: encode(`${H}${ROW}a\u0000b\r\n`, "utf-16le") },
    { name: "fffd.csv", content: Buffer.from(`${H}${ROW}文字\uFFFD化け\r\n`) },
    { name: "invalid-utf8-after-sample.csv", content: Buffer.concat([Buffer.from(H), pad.subarray(0, pad.lastIndexOf("\r\n") + 2), Buffer.from(ROW), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from("\r\n")]) },
    { name: "lone-surrogate-utf16.csv", content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${H}${ROW}`, "utf16le"), Buffer.from([0x00, 0xd8]), Buffer.from("x\r\n", "utf16le")]) },
    { name: "odd-length-utf16.csv", content: Buffer.concat([encode(`${H}${ROW}abc\r\n`, "utf-16le"), Buffer.from([0x41])]) },
    { name: "control-chars.csv", content: Buffer.from(`${H}${Array.from({ length: 31 }, (_, i) => `${ROW}${String.fromCharCode(i + 1)}\r\n`).join("")}`) },
    { name: "c1-controls.csv", content: Buffer.from(`${H}${ROW}\u0085\u009b\r\n`) },
    { name: "sjis-corrupted.csv", content: Buffer.concat([sjis, Buffer.from([0x81, 0x0a]), Buffer.from("2025-04-01,C1,MA01,\x07\r\n")]) },
    { name: "sjis-read-as-utf8-after-sample.csv", content: Buffer.concat([Buffer.from(H), pad.subarray(0, pad.lastIndexOf("\r\n") + 2), sjis.subarray(sjis.indexOf(0x0a) + 1)]) },
    { name: "proto-headers.csv", content: Buffer.from(`__proto__,constructor,toString,hasOwnProperty,発生日時,発生場面,行為類型,概要\r\n1,2,3,4,${ROW}\u0007\r\n`) },
    { name: "huge-header.csv", content: Buffer.from(`${"x".repeat(2 * 1024 * 1024)},発生日時\r\n1,2\r\n`) },
    { name: "formula-and-html.csv", content: Buffer.from(`${H}${ROW}"=HYPERLINK(""http://x"")"\r\n${ROW}<script>\u0000</script>\r\n`) },
    { name: "too-long-text.csv", content: Buffer.from(`${H}${ROW}${"長".repeat(10_001)}\r\n`) },
    { name: "garbage-dates.csv", content: Buffer.from(`${H}${["9".repeat(5000), "令和".repeat(3000), "2025-04-01T" + "1".repeat(3000), "1e9999", "-0"].map((d) => `${d},C1,MA01,x\r\n`).join("")}`) },
  ];
}
