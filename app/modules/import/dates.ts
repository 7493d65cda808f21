/**
 * Dates and date-times as people type them into Japanese spreadsheets (docs/spec/csv-import.md, "Values").
 * Stored forms match app/modules/incidents/dates.ts: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm:ss+09:00` in Tokyo time.
 */
import type { Message } from "~/i18n";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: Message };

interface Era {
  ja: string;
  en: string;
  /** Gregorian year of the era's year 1. */
  base: number;
  /** First day as y*10000+m*100+d, for a cheap comparison. */
  first: number;
  start: string;
  startIso: string;
}

const era = (ja: string, en: string, y: number, m: number, d: number): Era => ({
  ja,
  en,
  base: y,
  first: y * 10000 + m * 100 + d,
  start: `${y}年${m}月${d}日`,
  startIso: `${y}-${pad2(m)}-${pad2(d)}`,
});
const REIWA = era("令和", "Reiwa", 2019, 5, 1);
const HEISEI = era("平成", "Heisei", 1989, 1, 8);
const SHOWA = era("昭和", "Showa", 1926, 12, 25);
const TAISHO = era("大正", "Taisho", 1912, 7, 30);
// Keys are as they look after NFKC + lower-casing (㋿ has already become 令和, R has become r).
const ERAS = new Map<string, Era>([
  ["令和", REIWA], ["令", REIWA], ["r", REIWA],
  ["平成", HEISEI], ["平", HEISEI], ["h", HEISEI],
  ["昭和", SHOWA], ["昭", SHOWA], ["s", SHOWA],
  ["大正", TAISHO], ["大", TAISHO], ["t", TAISHO],
]);

// One pattern for the date part: a 4-digit year or an era and its year, then 年月日 or a separator form.
// The separator must repeat (2025/4/1, not 2025/4-1). Whatever follows is the time, checked separately.
const DATE =
  /^(?:(\d{4})|(令和|平成|昭和|大正|[令平昭大rhst]) ?(元|\d{1,2}))(?: ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日|([-/.])(\d{1,2})\6(\d{1,2}))(.*)$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)? ?(z|[+-]\d{2}(?::?\d{2})?)?$/;
const KANJI_TIME = /^(\d{1,2}) ?時(?: ?(半)| ?(\d{1,2}) ?分(?: ?(\d{1,2}) ?秒)?)?$/;
// Excel has no time zone: its serials are read as Tokyo wall-clock time. Only 1950-01-01 .. 2100-12-31 counts as a
// serial so that 7 or 20250401 is never taken for a date.
const SERIAL = /^\d+(?:\.(\d+))?$/;
const DAY_MS = 86_400_000;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30); // 1899-12-30 absorbs Lotus' phantom 1900-02-29 for every serial > 60
const SERIAL_MIN = excelSerial(1950, 1, 1);
const SERIAL_MAX = excelSerial(2100, 12, 31);
const TOKYO_OFFSET_MS = 9 * 3_600_000; // Japan has kept +09:00 without daylight saving since 1951

/** Date or date-time → `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss+09:00`; blank → null. */
const WEEKDAYS = "日月火水木金土";
const WEEKDAY = /^ ?(?:\(([日月火水木金土])(?:曜日?)?\)|([日月火水木金土])曜日)/;

// The stored forms themselves (this app's own export, most machine-made files): taken as they are once the day and the
// time are checked, without the general reading below. Same result, a fraction of the cost on a million rows.
const STORED_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const STORED_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+09:00$/;

function storedForm(raw: string): string | null {
  const m = raw.length === 10 ? STORED_DAY.exec(raw) : raw.length === 25 ? STORED_DATE_TIME.exec(raw) : null;
  if (!m || !isDay(+m[1], +m[2], +m[3])) return null;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5] > 59 || +m[6] > 59)) return null;
  return raw;
}

export function parseImportDateTime(text: string): Parsed<string | null> {
  const raw = text.trim();
  if (raw === "") return { ok: true, value: null };
  const stored = storedForm(raw);
  if (stored !== null) return { ok: true, value: stored };
  const s = raw.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

  if (SERIAL.test(s)) return fromSerial(s, raw);

  const m = DATE.exec(s);
  if (!m) return fail("import.value.invalidDate", raw);
  let y: number;
  let eraDef: Era | undefined;
  if (m[1] !== undefined) {
    y = +m[1];
  } else {
    eraDef = ERAS.get(m[2])!;
    const n = m[3] === "元" ? 1 : +m[3];
    if (n < 1) return fail("import.value.nonexistentDate", raw);
    y = eraDef.base + n - 1;
  }
  const kanjiDate = m[4] !== undefined;
  const mo = kanjiDate ? +m[4] : +m[7];
  const d = kanjiDate ? +m[5] : +m[8];
  if (!isDay(y, mo, d)) return fail("import.value.nonexistentDate", raw);
  // Later years by arithmetic are fine (平成32年 was printed before the change); earlier days never existed.
  if (eraDef && y * 10000 + mo * 100 + d < eraDef.first) {
    return { ok: false, message: { key: "import.value.beforeEra", params: { value: raw, era: eraDef.ja, eraEn: eraDef.en, start: eraDef.start, startIso: eraDef.startIso } } };
  }
  const day = `${pad4(y)}-${pad2(mo)}-${pad2(d)}`;

  let rest = m[9];
  // Japanese Excel often prints the weekday: 2025年4月1日(火), 2025/4/1(火) 10:30, 令和7年4月1日 火曜日.
  // It is checked, since a wrong weekday means the day was typed wrong.
  const w = WEEKDAY.exec(rest);
  if (w) {
    const named = WEEKDAYS.indexOf(w[1] ?? w[2]);
    if (named !== new Date(Date.UTC(y, mo - 1, d)).getUTCDay()) {
      return { ok: false, message: { key: "import.value.weekdayMismatch", params: { value: raw, weekday: WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()] } } };
    }
    rest = rest.slice(w[0].length);
    if (rest !== "" && rest[0] !== " " && rest[0] !== "t") rest = ` ${rest}`;
  }
  if (rest === "") return { ok: true, value: day };
  // After 2025/4/1 a separator is needed, or 2025/4/110:30 would read as the 11th at 0:30.
  if (rest[0] === " " || rest[0] === "t") rest = rest.slice(1);
  else if (!kanjiDate) return fail("import.value.invalidDate", raw);

  let h: number;
  let mi: number;
  let sec: number;
  let offset: string | undefined;
  const c = CLOCK.exec(rest);
  if (c) {
    [h, mi, sec, offset] = [+c[1], +c[2], c[3] === undefined ? 0 : +c[3], c[4]];
  } else {
    const k = KANJI_TIME.exec(rest);
    if (!k) return fail("import.value.invalidDate", raw);
    [h, mi, sec] = [+k[1], k[2] !== undefined ? 30 : k[3] === undefined ? 0 : +k[3], k[4] === undefined ? 0 : +k[4]];
  }
  if (h > 23 || mi > 59 || sec > 59) return fail("import.value.invalidTime", raw);
  if (offset === undefined) return { ok: true, value: `${day}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}+09:00` };

  let offsetMin = 0;
  if (offset !== "z") {
    const oh = +offset.slice(1, 3);
    const om = offset.length > 3 ? +offset.slice(-2) : 0;
    if (oh > 14 || om > 59) return fail("import.value.invalidTime", raw);
    offsetMin = (offset[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMin * 60_000;
  return { ok: true, value: tokyoDateTime(utc) };
}

/** Date-only fields: the same inputs, a date-time giving its Tokyo day. */
export function parseImportDate(text: string): Parsed<string | null> {
  const r = parseImportDateTime(text);
  return r.ok && r.value !== null && r.value.length > 10 ? { ok: true, value: r.value.slice(0, 10) } : r;
}

function fromSerial(s: string, raw: string): Parsed<string> {
  const serial = +s;
  if (!(serial >= SERIAL_MIN && serial < SERIAL_MAX + 1)) {
    return { ok: false, message: { key: "import.value.dateSerial", params: { value: raw, min: SERIAL_MIN, max: SERIAL_MAX } } };
  }
  // Whole seconds: Excel stores 10:30 as 0.4375 but 10:31 as a repeating binary fraction.
  const seconds = Math.round(serial * 86_400);
  const wall = EXCEL_EPOCH_MS + seconds * 1000;
  const hasTime = SERIAL.exec(s)![1] !== undefined && seconds % 86_400 !== 0;
  return { ok: true, value: hasTime ? tokyoDateTime(wall - TOKYO_OFFSET_MS) : isoDay(wall) };
}

function excelSerial(y: number, m: number, d: number): number {
  return (Date.UTC(y, m - 1, d) - EXCEL_EPOCH_MS) / DAY_MS;
}

/** Formats an instant as Tokyo wall-clock time; fixed arithmetic, since this runs once per cell on large files. */
function tokyoDateTime(utcMs: number): string {
  const t = new Date(utcMs + TOKYO_OFFSET_MS);
  return `${isoDay(utcMs + TOKYO_OFFSET_MS)}T${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())}+09:00`;
}

function isoDay(wallMs: number): string {
  const t = new Date(wallMs);
  return `${pad4(t.getUTCFullYear())}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

// Own calendar arithmetic rather than Date.UTC, which maps years 0–99 to 1900–1999.
function isDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

function fail(key: "import.value.invalidDate" | "import.value.nonexistentDate" | "import.value.invalidTime", value: string): Parsed<never> {
  return { ok: false, message: { key, params: { value } } };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, "0");
}
