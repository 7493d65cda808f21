/**
 * `npm run report -- --period P [--format json|csv|html|md] [--audience hr|executive] [--out FILE]`
 * (docs/spec/reports.md, a contract). The default format is md on a terminal and json when the output is a pipe or a
 * file. Extension: `--lang ja|en` for the labels (default ja).
 *
 * Exit status: 0 the report was written; 2 a wrong command line (unknown option, format, audience, a period that
 * cannot be read, or one the audience cannot have: an executive report is for a fiscal year that has ended).
 *
 * `npm run report -- --issue-due [--json]` (issue 20, for cron or a systemd timer): issues the reports of every active
 * schedule whose period has closed and was not issued yet (docs/decisions/0032), mails them when SMTP_URL is set, and
 * prints what it issued, one line each, or with `--json` one object `{ issued: [...], skipped: [...], mail }`. Exit 0
 * also when nothing was due; running it while the server's own scheduler runs issues nothing twice.
 */
import fs from "node:fs";
import { translate } from "../app/i18n";
import { openDatabase } from "../db/client.server";
import { buildComplianceReport } from "../app/modules/reports/compliance.server";
import { toHtml, toMarkdown, toReportCsv } from "../app/modules/reports/render";
import { parsePeriod } from "../app/modules/reports/periods";
import { getSettings } from "../app/modules/settings/settings.server";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { parseCommandLine, usageError } from "./command-line";
import { isAppError } from "../app/modules/errors";
import { issueDueReports } from "../app/modules/reports/schedules.server";

const USAGE =
  "usage: npm run report -- --period P [--format json|csv|html|md] [--audience hr|executive] [--out FILE] [--lang ja|en]\n" +
  "       npm run report -- --issue-due [--json]";

function usage(message: string): never {
  return usageError(message, USAGE);
}

const args = parseCommandLine({
  options: {
    period: { type: "string" },
    format: { type: "string" },
    audience: { type: "string", default: "hr" },
    out: { type: "string" },
    lang: { type: "string", default: "ja" },
    "issue-due": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
}, USAGE);
const o = args.values;
if (o["issue-due"]) {
  if (o.period || o.format || o.out) usage("--issue-due takes no --period, --format or --out");
  await issueDue(o.json);
} else {
  if (o.json) usage("--json goes with --issue-due (a report: --format json)");
  writeReport();
}

/** The scheduled reports whose period has closed (issue 20). */
async function issueDue(json: boolean): Promise<void> {
  const db = openDatabase();
  try {
    const r = await issueDueReports(db);
    if (json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    for (const x of r.issued) process.stdout.write(`発行 (issued): ${x.periodKey} ${x.label} ${x.audience} → report ${x.issuedReportId} sha256 ${x.sha256}\n`);
    for (const x of r.skipped) process.stdout.write(`保留 (skipped): ${x.periodKey} schedule ${x.scheduleId}: ${translate("ja", x.reason as "reports.executiveSmallMonths")}\n`);
    if (!r.issued.length && !r.skipped.length) process.stdout.write("発行する定期報告書はありません (nothing due)\n");
  } finally {
    db.$client.close();
  }
}

function writeReport(): void {
  if (!o.period) usage("--period is required (e.g. FY2025, 2025-Q2, 2025-04, 2025-04-01..2025-06-30)");
  const format = o.format ?? (process.stdout.isTTY && !o.out ? "md" : "json");
  if (!["json", "csv", "html", "md"].includes(format)) usage(`unknown --format: ${format}`);
  if (o.audience !== "hr" && o.audience !== "executive") usage(`unknown --audience: ${o.audience}`);
  if (o.lang !== "ja" && o.lang !== "en") usage(`unknown --lang: ${o.lang}`);
  const lang = o.lang as "ja" | "en";

  const db = openDatabase();
  try {
    const settings = getSettings(db);
    const period = parsePeriod(o.period, settings.fiscalYearStartMonth);
    if (!period) usage(translate("ja", "cli.report.badPeriod", { period: o.period }));
    let report;
    try {
      report = buildComplianceReport(db, period, { audience: o.audience, lang, today: todayInTokyo(), settings });
    } catch (e) {
      // A period the audience cannot have (an executive report is for a fiscal year that has ended): a wrong command line.
      if (isAppError(e) && e.status === 422) usage(translate(lang, e.userMessage, e.params));
      throw e;
    }
    const text =
      format === "json"
        ? `${JSON.stringify(report, null, 2)}\n`
        : format === "csv"
          ? toReportCsv(report, lang)
          : format === "html"
            ? toHtml(report, lang)
            : toMarkdown(report, lang);
    if (o.out) fs.writeFileSync(o.out, text);
    else process.stdout.write(text);
  } finally {
    db.$client.close();
  }
}
