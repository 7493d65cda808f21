/**
 * The daily sweep (issue 19): tells the owners of corrective actions that have become overdue, retries mails that
 * failed, and sends the daily digests. The running server calls it at start and then once a day (startDailySweep);
 * `npm run notify -- --sweep` runs it once, for cron. Running it twice tells nobody anything twice.
 */
import { repeatInBackground } from "../repeat.server";
import type { Db } from "../../../db/client.server";
import { todayInTokyo } from "../incidents/dates";
import { notifyOverdueActions } from "./events.server";
import { mailerFromEnv, sendDigests, sendImmediate, type SendMail } from "./mail.server";

export interface SweepResult {
  /** New overdue notifications. */
  overdue: number;
  sent: number;
  failed: number;
  digests: number;
}

export async function runSweep(db: Db, today: string, opts: { send?: SendMail | null; now?: Date } = {}): Promise<SweepResult> {
  const overdue = db.transaction(() => notifyOverdueActions(db, today));
  const send = opts.send === undefined ? mailerFromEnv() : opts.send;
  if (!send) return { overdue, sent: 0, failed: 0, digests: 0 };
  const one = await sendImmediate(db, send, { retry: true, now: opts.now });
  const digest = await sendDigests(db, send, { now: opts.now });
  return { overdue, sent: one.sent, failed: one.failed + digest.failed, digests: digest.sent };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * In the server: a sweep now and then every 24 hours. The timer does not keep the process alive, and a failing sweep
 * is printed, never thrown.
 */
export function startDailySweep(db: () => Db, today: () => string = todayInTokyo): { stop: () => void } {
  let running = false;
  const sweep = () => {
    if (running) return;
    running = true;
    runSweep(db(), today())
      .then((r) => {
        if (r.overdue || r.sent || r.failed || r.digests) {
          console.log(`通知の定期処理: 期限超過 ${r.overdue} 件、メール ${r.sent} 通、まとめ ${r.digests} 通、失敗 ${r.failed} 件 (notification sweep)`);
        }
      })
      .catch((e: unknown) => console.error("通知の定期処理に失敗しました (notification sweep failed):", e))
      .finally(() => (running = false));
  };
  return repeatInBackground(sweep, DAY_MS);
}
