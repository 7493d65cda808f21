/**
 * `npm start`: builds the app when the build is missing or older than its sources, migrates the database, loads the
 * demo data into an empty database, creates the first admin on a database without users (printing the e-mail and a
 * one-time password), then serves on PORT (default 3000). The integrity check (quick_check) runs on a worker thread
 * once the server listens and has loaded the dashboard's columns; a damaged file found then stops the server from
 * serving data (every request answers 503). A file about to be migrated is checked before, since a migration writes
 * (docs/decisions/0016).
 *
 * Environment: PORT, HOST, DATABASE_PATH (default data/kasuhara.db), DEMO_INCIDENTS (size of the demo data, default 3000;
 * 0 starts with an empty database), FIRST_ADMIN_EMAIL (default admin@example.com), TRUST_PROXY, PUBLIC_ORIGIN, ALLOWED_ORIGINS
 * (scripts/network-config.ts),
 * SESSION_IDLE_MINUTES (default 30), SESSION_MAX_HOURS (default 12), SMTP_URL and SMTP_FROM (notification mails; none
 * without SMTP_URL).
 */
import type { ServerBuild } from "@remix-run/node";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { translate } from "../app/i18n";
import { type Db, databasePath, migrationsFolder, openDatabase } from "../db/client.server";
import { DatabaseProblem, needsMigration, problemOf, quickCheck, type QuickCheckAnswer } from "../db/health.server";
import { runScriptWorker } from "../app/modules/worker-thread.server";
import { countIncidents } from "../app/modules/incidents/queries.server";
import { seedDemo } from "../app/modules/demo/seed.server";
import { purgeExpiredSessions } from "../app/modules/auth/session.server";
import { purgeThrottle } from "../app/modules/auth/throttle.server";
import { ensureFirstAdmin, FIRST_ADMIN_EMAIL } from "../app/modules/auth/users.server";
import { unlessBusy } from "../db/busy.server";
import { createApp } from "./server";
import { networkConfig, NetworkConfigError, type NetworkConfig } from "./network-config";

const root = process.cwd();
const BUILD_FILE = path.join(root, "build/index.js");
const SOURCES = ["app", "db", "remix.config.js", "package.json", "tsconfig.json"];

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIfStale(): void {
  const built = fs.statSync(BUILD_FILE, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  if (built >= sources) return;
  console.log(translate("ja", built ? "cli.start.rebuilding" : "cli.start.building"));
  const r = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) {
    console.error(translate("ja", "cli.start.buildFailed"));
    process.exit(1);
  }
}

/** Printed once, when the first admin is created: the only way to learn the one-time password. */
function announceFirstAdmin(email: string, password: string): void {
  const line = "=".repeat(72);
  console.log(
    [
      line,
      translate("ja", "cli.start.firstAdmin"),
      translate("ja", "cli.start.firstAdminEmail", { email }),
      translate("ja", "cli.start.firstAdminPassword", { password }),
      translate("ja", "cli.start.firstAdminOnce"),
      "  (shown only now; you will be asked to choose a new password at first sign-in)",
      line,
    ].join("\n"),
  );
}

/** What is wrong with the database and what to do, without a stack trace, under a title. */
function printProblem(title: "cli.start.cannotStart" | "cli.start.stoppedServing", problem: DatabaseProblem): void {
  const line = "=".repeat(72);
  const detail = problem.detail ? [translate("ja", "cli.start.sqliteDetail"), problem.detail] : [];
  console.error([line, translate("ja", title), problem.ja, problem.en, ...detail, line].join("\n"));
}

/** Stops the start with what is wrong with the database and what to do. */
function refuse(problem: DatabaseProblem): never {
  printProblem("cli.start.cannotStart", problem);
  process.exit(1);
}

/** Whether the integrity check already ran before the server started (on a file it migrated). */
let checkedAtStart = false;

async function prepareDatabase(): Promise<void> {
  const file = databasePath();
  let db: Db;
  try {
    // A migration writes: a file about to be migrated is checked first, and a damaged one is refused, not migrated.
    // Any other file is checked once the server listens (checkInBackground); opening it only reads, and it refuses a
    // file that is not a database, one from a newer version and one locked by another process.
    if (needsMigration(file, migrationsFolder())) {
      const ms = quickCheck(file);
      checkedAtStart = true;
      if (ms > 0) console.log(translate("ja", "cli.start.quickCheck", { seconds: (ms / 1000).toFixed(1) }));
    }
    db = openDatabase(file);
  } catch (e) {
    const problem = problemOf(e, file);
    if (problem) refuse(problem);
    throw e;
  }
  try {
    // Housekeeping: not worth waiting for an import another process runs.
    unlessBusy(() => {
      purgeExpiredSessions(db);
      purgeThrottle(db, new Date());
    });
    if (countIncidents(db) === 0) {
      const n = Number(process.env.DEMO_INCIDENTS ?? 3000);
      if (Number.isInteger(n) && n > 0) {
        const started = Date.now();
        const r = seedDemo(db, { incidents: n });
        console.log(translate("ja", "cli.start.demoLoaded", { n: r.incidents, seconds: ((Date.now() - started) / 1000).toFixed(1) }));
      }
    }
    const admin = await ensureFirstAdmin(db, process.env.FIRST_ADMIN_EMAIL ?? FIRST_ADMIN_EMAIL);
    if (admin) announceFirstAdmin(admin.email, admin.oneTimePassword);
  } catch (e) {
    const problem = problemOf(e, file);
    if (problem) refuse(problem);
    throw e;
  } finally {
    db.$client.close();
  }
}

/** The check starts once the columns are loaded, and at the latest this long after the server listens. */
const CHECK_LATEST_MS = 30_000;

/** Set when the check after the start finds the file damaged: from then on every request answers 503 (server.ts). */
let damaged: DatabaseProblem | null = null;

/**
 * quick_check on a worker thread while the server answers (seconds per gigabyte: 3–9 s with the file cached, 10–35 s
 * from disk at 1,000,000 incidents). A damaged file stops the server from serving data, printed as a refusal at start
 * is; a check that cannot run (the file locked by another process) is printed and changes nothing.
 */
function checkInBackground(file: string): void {
  console.log(translate("ja", "cli.start.quickCheckBackground"));
  runScriptWorker<QuickCheckAnswer>("quick-check-worker.ts", { file }).then(
    (answer) => {
      if (answer.ok) {
        const sinceStart = (performance.now() / 1000).toFixed(1); // since the process started
        console.log(translate("ja", "cli.start.quickCheckDone", { seconds: (answer.ms / 1000).toFixed(1), sinceStart }));
      } else if (answer.kind === "corrupt" || answer.kind === "notDatabase") {
        damaged = new DatabaseProblem(answer.kind, file, answer.detail);
        printProblem("cli.start.stoppedServing", damaged);
      } else {
        const detail = answer.kind ? new DatabaseProblem(answer.kind, file, answer.detail).message : answer.detail;
        console.error(translate("ja", "cli.start.quickCheckFailed", { detail }));
      }
    },
    (e: unknown) => console.error(translate("ja", "cli.start.quickCheckFailed", { detail: String((e as Error)?.message ?? e) })),
  );
}

/** The network settings, or the reason they cannot be used (printed, exit 1) before anything else is done. */
function readNetworkConfig(port: number): NetworkConfig {
  try {
    const network = networkConfig(process.env, port);
    for (const w of network.warnings) console.warn(w);
    return network;
  } catch (e) {
    if (!(e instanceof NetworkConfigError)) throw e;
    console.error(translate("ja", "cli.start.cannotStart"));
    console.error(e.message);
    process.exit(1);
  }
}

async function serve(network: NetworkConfig, port: number): Promise<void> {
  const build = (await import(pathToFileURL(BUILD_FILE).href)) as ServerBuild;
  const app = createApp(build, root, { databaseProblem: () => damaged, network });
  const host = process.env.HOST ?? "0.0.0.0";
  const server = app.listen(port, host, () => {
    const addr = server.address();
    const actual = typeof addr === "object" && addr ? addr.port : port;
    console.log(translate("ja", "cli.start.listening", { port: actual, database: databasePath() }));
    console.log(translate("ja", "cli.start.origins", { origins: network.origins.join(", ") }));
    const entry = build.entry.module as { warmUp?: () => Promise<void>; startNotificationSweep?: () => void; startReportScheduler?: () => void; catchUpSearch?: () => Promise<void> };
    const warmUp = entry.warmUp;
    const warmedUp = new Promise<void>((resolve) => setImmediate(() => void Promise.resolve(warmUp?.()).finally(resolve)));
    // The check reads the whole file and the warm-up most of it: one after the other, the first dashboard comes sooner
    // (at 1,000,000 incidents on a busy 2-core machine, 6-7 s after the start instead of 9-10 s; docs/decisions/0016).
    const checkAfter = new Promise((resolve) => setTimeout(resolve, CHECK_LATEST_MS).unref());
    if (!checkedAtStart) void Promise.race([warmedUp, checkAfter]).then(() => checkInBackground(databasePath()));
    // Overdue corrective actions, mail retries and digests: at start (after the warm-up) and then daily.
    void warmedUp.then(() => entry.startNotificationSweep?.());
    // Scheduled reports whose period has closed (issue 20): at start, catching up missed ones, and then hourly.
    void warmedUp.then(() => entry.startReportScheduler?.());
    // Incidents an interrupted import left out of the search index (docs/decisions/0030).
    void warmedUp.then(() => entry.catchUpSearch?.());
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const { values } = parseArgs({ options: { "no-build": { type: "boolean", default: false } } });
process.env.NODE_ENV ??= "production";
const port = Number(process.env.PORT ?? 3000);
const network = readNetworkConfig(port);
if (!values["no-build"]) buildIfStale();
await prepareDatabase();
await serve(network, port);
