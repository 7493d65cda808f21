/**
 * `npm run notify -- --sweep [--today YYYY-MM-DD] [--json]`: the notification sweep once (issue 19, for cron): tells
 * the owners of corrective actions that have become overdue, retries failed mails and sends the daily digests. The
 * running server does the same at start and daily; running both tells nobody anything twice.
 * Environment: DATABASE_PATH, SMTP_URL, SMTP_FROM, PUBLIC_ORIGIN (links in mails).
 *
 * Exit status: 0 done (a mail that failed is recorded and retried next time); 2 a wrong command line.
 */
import { openDatabase, databasePath } from "../db/client.server";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { runSweep } from "../app/modules/notifications/sweep.server";
import { parseCommandLine, usageError } from "./command-line";

const USAGE = "usage: npm run notify -- --sweep [--today YYYY-MM-DD] [--json]";

const { values } = parseCommandLine(
  { options: { sweep: { type: "boolean", default: false }, today: { type: "string" }, json: { type: "boolean", default: false } } },
  USAGE,
);
if (!values.sweep) usageError("--sweep を指定してください (nothing to do without --sweep)", USAGE);
const today = values.today ?? todayInTokyo();
if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) {
  usageError(`--today は YYYY-MM-DD の日付で指定してください: ${today}`, USAGE);
}

const db = openDatabase(databasePath());
try {
  const r = await runSweep(db, today);
  if (values.json) console.log(JSON.stringify({ today, ...r }));
  else console.log(`通知の定期処理 ${today}: 期限超過の通知 ${r.overdue} 件、メール ${r.sent} 通、まとめメール ${r.digests} 通、送信失敗 ${r.failed} 件 (overdue ${r.overdue}, mailed ${r.sent}, digests ${r.digests}, failed ${r.failed})`);
} finally {
  db.$client.close();
}
