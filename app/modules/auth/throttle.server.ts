/**
 * Slowing down and locking out repeated failed sign-ins, per account and per address (docs/decisions/0005).
 *
 * - Failures are counted in a 15-minute window that starts at the first failure.
 * - From the 3rd failure on a key, each further failed answer is delayed (1 s more per failure, at most 5 s).
 * - 5 failures on an account, or 30 from one address (an office behind one NAT shares it), lock that key for 15 minutes;
 *   while locked even the right password is refused.
 * - A successful sign-in clears the account's count, not the address's (one's own account must not reset a spray).
 */
import { eq, inArray } from "drizzle-orm";
import type { Conn } from "../../../db/client.server";
import { loginThrottle } from "../../../db/schema";

export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  accountLimit: 5,
  addressLimit: 30,
  slowAfter: 2,
  delayStepMs: 1000,
  maxDelayMs: 5000,
} as const;

export interface ThrottleKeys {
  account: string;
  address: string | null;
}

function keysOf(k: ThrottleKeys): string[] {
  return [`account:${k.account}`, ...(k.address ? [`address:${k.address}`] : [])];
}

function limitOf(key: string): number {
  return key.startsWith("account:") ? THROTTLE.accountLimit : THROTTLE.addressLimit;
}

/** When the account or address is locked, the end of the lock (ISO); otherwise null. */
export function lockedUntil(db: Conn, k: ThrottleKeys, now: Date): string | null {
  const rows = db.select().from(loginThrottle).where(inArray(loginThrottle.key, keysOf(k))).all();
  const until = rows
    .map((r) => r.lockedUntil)
    .filter((u): u is string => !!u && u > now.toISOString())
    .sort()
    .pop();
  return until ?? null;
}

export interface FailureOutcome {
  /** How long to wait before answering. */
  delayMs: number;
  /** The keys this failure locked (for the audit trail), and until when. */
  locked: string[];
  lockedUntil: string | null;
}

export function recordFailure(db: Conn, k: ThrottleKeys, now: Date): FailureOutcome {
  const at = now.toISOString();
  let delayMs = 0;
  const locked: string[] = [];
  let until: string | null = null;
  for (const key of keysOf(k)) {
    const row = db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    const fresh = !row || now.getTime() - Date.parse(row.windowStartedAt) > THROTTLE.windowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const windowStartedAt = fresh ? at : row.windowStartedAt;
    let lockedUntilValue = row?.lockedUntil && row.lockedUntil > at ? row.lockedUntil : null;
    if (!lockedUntilValue && failures >= limitOf(key)) {
      lockedUntilValue = new Date(now.getTime() + THROTTLE.lockMs).toISOString();
      locked.push(key);
    }
    if (lockedUntilValue && (!until || lockedUntilValue > until)) until = lockedUntilValue;
    db.insert(loginThrottle)
      .values({ key, failures, windowStartedAt, lockedUntil: lockedUntilValue })
      .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, windowStartedAt, lockedUntil: lockedUntilValue } })
      .run();
    if (failures > THROTTLE.slowAfter) {
      delayMs = Math.max(delayMs, Math.min(THROTTLE.delayStepMs * (failures - THROTTLE.slowAfter), THROTTLE.maxDelayMs));
    }
  }
  return { delayMs, locked, lockedUntil: until };
}

export function clearAccountFailures(db: Conn, account: string): void {
  db.delete(loginThrottle).where(eq(loginThrottle.key, `account:${account}`)).run();
}

