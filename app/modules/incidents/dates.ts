/**
 * Dates in Asia/Tokyo. Incidents are dated in Japanese local time whatever the server's time zone.
 * Stored forms: `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:mm:ss+09:00` for a date-time.
 */
import { TZDate } from "@date-fns/tz";
// One module per function: the package's index loads all of date-fns (about 0.5 s of every start).
import { addDays } from "date-fns/addDays";
import { format } from "date-fns/format";
import { subYears } from "date-fns/subYears";

export const TOKYO = "Asia/Tokyo";

/** Today's calendar day in Tokyo. */
export function todayInTokyo(now: Date = new Date()): string {
  return format(new TZDate(now.getTime(), TOKYO), "yyyy-MM-dd");
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

export function isValidDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last;
}

export interface ParsedDate {
  /** Stored text: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss+09:00`. */
  value: string;
  /** The Tokyo calendar day. */
  day: string;
  hasTime: boolean;
}

/**
 * Parses an ISO date or date-time (as sent by <input type="date|datetime-local">). A date-time without an offset is
 * Tokyo time; one with an offset is converted to Tokyo. Returns null for text that is not such a date or a day that does
 * not exist (2025-02-30).
 */
export function parseIsoDateOrDateTime(input: string): ParsedDate | null {
  const s = input.trim();
  let m = DATE_ONLY.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isValidDay(y, mo, d) ? { value: s, day: s, hasTime: false } : null;
  }
  m = DATE_TIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "00"].map(Number);
  if (!isValidDay(y, mo, d) || h > 23 || mi > 59 || se > 59) return null;
  const offset = m[7];
  if (!offset) {
    const value = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${pad(se)}+09:00`;
    return { value, day: value.slice(0, 10), hasTime: true };
  }
  const instant = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${pad(se)}${offset === "Z" ? "Z" : offset.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")}`);
  if (Number.isNaN(instant.getTime())) return null;
  const value = toTokyoDateTime(instant);
  return { value, day: value.slice(0, 10), hasTime: true };
}

export function toTokyoDateTime(instant: Date): string {
  return format(new TZDate(instant.getTime(), TOKYO), "yyyy-MM-dd'T'HH:mm:ssxxx");
}

/** Two digits, as months, days, hours and minutes are written in stored dates. */
export function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A calendar day as a date in Tokyo, for date-fns' calendar arithmetic. */
function tokyoDay(day: string): TZDate {
  return new TZDate(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), TOKYO);
}

/** The calendar day `n` days after (or, negative, before) another. */
export function shiftDay(day: string, n: number): string {
  return format(addDays(tokyoDay(day), n), "yyyy-MM-dd");
}

/** The same calendar day `n` years earlier; 29 February becomes 28 February in a common year. */
export function yearsEarlier(day: string, n: number): string {
  return format(subYears(tokyoDay(day), n), "yyyy-MM-dd");
}

/** Milliseconds in a calendar day (Tokyo has no daylight saving time, so every day has them). */
export const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` calendar day: plain integers, for loops and arithmetic over many days where
 * date-fns would cost too much (the analytics cube, the demo generator).
 */
export function dayNumber(day: string): number {
  return Math.floor(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS);
}

/** The `YYYY-MM-DD` calendar day of a day number. */
export function dayText(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one calendar day to another (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b.slice(0, 10)}T00:00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00:00Z`)) / DAY_MS);
}

/** For <input type="datetime-local">: `YYYY-MM-DDTHH:mm` in Tokyo, or a date alone as 00:00. */
export function toLocalInput(stored: string | null | undefined): string {
  if (!stored) return "";
  return stored.length === 10 ? `${stored}T00:00` : stored.slice(0, 16);
}

/** Display form: `2025-04-01 10:30` or `2025-04-01`. */
export function displayDateTime(stored: string | null | undefined): string {
  if (!stored) return "";
  return stored.length === 10 ? stored : `${stored.slice(0, 10)} ${stored.slice(11, 16)}`;
}

/** A stored UTC instant (audit trail, users, sessions) as Tokyo time "2025-04-01 10:30". */
export function displayInstant(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : displayDateTime(toTokyoDateTime(new Date(t)));
}
