/**
 * Slowing down online password guessing without handing anyone a way to lock others out (docs/decisions/0005,
 * addendum of issue 18). There is no lock-out: each failure makes the next attempt on the same key wait, and the wait
 * doubles with every further failure, up to a cap. An attempt made before its wait is over is answered at once with
 * the time to wait, and its password is not checked.
 *
 * Which keys an attempt counts on depends on where it comes from:
 * - A browser the account has signed in from before (its device cookie, OWASP's "device cookies") counts on its own
 *   key only. Failures made by anyone else, from anywhere, never slow the owner down in their own browser.
 * - Any other attempt counts on three keys: the account at this address (the guesser at their own pace), the account
 *   from all addresses (a guesser with many addresses: a small cap, so the owner in a new browser waits a minute at
 *   most), and the address across accounts (password spraying).
 *
 * Stored in login_throttle: `failures` is the count, `locked_until` the earliest time of the next attempt (the column
 * kept its first name), `window_started_at` when the count began (for a device: when it was registered). A count
 * lapses after QUIET_MS without a failure past its wait.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, inArray, like, lt, or, sql } from "drizzle-orm";
import type { Conn } from "../../../db/client.server";
import { loginThrottle } from "../../../db/schema";

interface Rule {
  /** Failures answered without making the next attempt wait. */
  free: number;
  maxWaitMs: number;
}

export const THROTTLE = {
  firstWaitMs: 1000,
  quietMs: 15 * 60_000,
  device: { free: 3, maxWaitMs: 15 * 60_000 },
  pair: { free: 3, maxWaitMs: 15 * 60_000 },
  account: { free: 10, maxWaitMs: 60_000 },
  address: { free: 30, maxWaitMs: 15 * 60_000 },
  deviceDays: 180,
} as const satisfies Record<string, unknown>;

export interface AttemptKeys {
  /** The normalised e-mail as typed (whether or not an account has it). */
  account: string;
  address: string | null;
  /** The browser's device token (cookie), if it sent one. */
  device: string | null;
}

type Kind = "device" | "pair" | "account" | "address";

const ruleOf = (key: string): Rule => THROTTLE[key.slice(0, key.indexOf(":")) as Kind];

/** The wait that `failures` failures on a key impose on the next attempt: none while free, then 1 s, 2 s, 4 s, … */
export function waitAfter(failures: number, rule: Rule): number {
  if (failures <= rule.free) return 0;
  return Math.min(THROTTLE.firstWaitMs * 2 ** Math.min(failures - rule.free - 1, 30), rule.maxWaitMs);
}

const hash = (s: string) => createHash("sha256").update(s).digest("base64url");

/** A device token registered for an account (the token alone is worth nothing for another account). */
const deviceKey = (token: string, account: string) => `device:${hash(`${token}\n${account}`)}`;

function deviceRow(db: Conn, k: AttemptKeys, now: Date) {
  if (!k.device) return undefined;
  const row = db.select().from(loginThrottle).where(eq(loginThrottle.key, deviceKey(k.device, k.account))).get();
  const registeredUntil = row ? Date.parse(row.windowStartedAt) + THROTTLE.deviceDays * 86_400_000 : 0;
  return row && registeredUntil > now.getTime() ? row : undefined;
}

/** The keys an attempt counts on (see the header): its device's alone, or account × address, account and address. */
function keysOf(db: Conn, k: AttemptKeys, now: Date): string[] {
  const device = deviceRow(db, k, now);
  if (device) return [device.key];
  return [`pair:${k.account}|${k.address ?? "-"}`, `account:${k.account}`, ...(k.address ? [`address:${k.address}`] : [])];
}

/** A count still running: its wait not yet over, or over for less than QUIET_MS. */
const running = (row: { lockedUntil: string | null } | undefined, now: Date) =>
  !!row?.lockedUntil && Date.parse(row.lockedUntil) + THROTTLE.quietMs >= now.getTime();

/** Until when this attempt must wait (ISO), or null when it may be checked now. */
export function waitUntil(db: Conn, k: AttemptKeys, now: Date): string | null {
  const keys = keysOf(db, k, now);
  const at = now.toISOString();
  const until = db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, keys))
    .all()
    .map((r) => r.lockedUntil)
    .filter((u): u is string => !!u && u > at)
    .sort()
    .pop();
  return until ?? null;
}

export interface FailureOutcome {
  /** How long the next attempt on these keys must wait (the longest of them). */
  waitMs: number;
  /** The keys on which this failure started a wait for the first time in their count (for the audit trail). */
  slowed: string[];
}

export function recordFailure(db: Conn, k: AttemptKeys, now: Date): FailureOutcome {
  const at = now.toISOString();
  let waitMs = 0;
  const slowed: string[] = [];
  for (const key of keysOf(db, k, now)) {
    const row = db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    const fresh = !running(row, now);
    const failures = fresh ? 1 : row!.failures + 1;
    const wait = waitAfter(failures, ruleOf(key));
    if (wait > 0 && waitAfter(failures - 1, ruleOf(key)) === 0) slowed.push(key);
    waitMs = Math.max(waitMs, wait);
    // A device keeps its registration date; any other key's count starts now when it had lapsed.
    const windowStartedAt = key.startsWith("device:") || !fresh ? row!.windowStartedAt : at;
    const lockedUntil = new Date(now.getTime() + wait).toISOString();
    db.insert(loginThrottle)
      .values({ key, failures, windowStartedAt, lockedUntil })
      .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, windowStartedAt, lockedUntil } })
      .run();
  }
  return { waitMs, slowed };
}

/**
 * A successful sign-in: the account's counts from this browser end (its own pair, and the device's), and the browser
 * is registered as the account's device. Returns the device token to set as the cookie (the one it had, or a new one).
 * The account-wide and address counts go on: one's own sign-in must not reset somebody else's guessing.
 */
export function recordSuccess(db: Conn, k: AttemptKeys, now: Date): string {
  const token = k.device && /^[A-Za-z0-9_-]{43}$/.test(k.device) ? k.device : randomBytes(32).toString("base64url");
  const key = deviceKey(token, k.account);
  const at = now.toISOString();
  db.delete(loginThrottle).where(eq(loginThrottle.key, `pair:${k.account}|${k.address ?? "-"}`)).run();
  db.insert(loginThrottle)
    .values({ key, failures: 0, windowStartedAt: at, lockedUntil: null })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: 0, windowStartedAt: at, lockedUntil: null } })
    .run();
  return token;
}

/**
 * An admin's password reset: the account's counts end everywhere (its devices stay registered, since the token is
 * hashed with the account, they cannot be found by account; they keep counting their own failures only).
 */
export function clearAccountFailures(db: Conn, account: string): void {
  const pairs = `pair:${account.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`;
  db.delete(loginThrottle)
    .where(or(eq(loginThrottle.key, `account:${account}`), sql`${loginThrottle.key} like ${pairs} escape '\\'`))
    .run();
}

/** Counts that have lapsed and devices registered too long ago: nothing left to slow down or recognise. */
export function purgeThrottle(db: Conn, now: Date): number {
  const lapsed = new Date(now.getTime() - THROTTLE.quietMs).toISOString();
  const expired = new Date(now.getTime() - THROTTLE.deviceDays * 86_400_000).toISOString();
  return db
    .delete(loginThrottle)
    .where(
      or(
        and(sql`${loginThrottle.key} not like 'device:%'`, or(lt(loginThrottle.lockedUntil, lapsed), sql`${loginThrottle.lockedUntil} is null`)),
        and(like(loginThrottle.key, "device:%"), lt(loginThrottle.windowStartedAt, expired)),
      ),
    )
    .run().changes;
}
