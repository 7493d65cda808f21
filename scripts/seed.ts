/**
 * `npm run seed -- [--incidents N] [--years Y] [--seed S] [--until YYYY-MM-DD]`: fills an empty database (DATABASE_PATH,
 * default data/kasuhara.db) with deterministic demo data. Exit codes: 0 done, 1 the database already has incidents,
 * 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { databasePath, openDatabase } from "../db/client.server";
import { DEMO_DEFAULTS } from "../app/modules/demo/generate";
import { seedDemo } from "../app/modules/demo/seed.server";
import { parseIsoDateOrDateTime, todayInTokyo } from "../app/modules/incidents/dates";
import { countIncidents } from "../app/modules/incidents/queries.server";

const USAGE = "usage: npm run seed -- [--incidents N] [--years Y] [--seed S] [--until YYYY-MM-DD]";

class UsageError extends Error {}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${name} must be a positive integer, not "${value}"`);
  }
  return Number(value);
}

function untilDay(value: string | undefined): string {
  const today = todayInTokyo();
  if (value === undefined) return today;
  const parsed = parseIsoDateOrDateTime(value);
  if (!parsed || parsed.hasTime) throw new UsageError(`--until must be a day written YYYY-MM-DD, not "${value}"`);
  // Incidents after today would be rejected as future-dated the first time someone edits them in the app.
  if (parsed.day > today) throw new UsageError(`--until cannot be after today (${today})`);
  return parsed.day;
}

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        incidents: { type: "string" },
        years: { type: "string" },
        seed: { type: "string" },
        until: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.seed !== undefined && values.seed.trim() === "") throw new UsageError("--seed must not be empty");
  return {
    incidents: positiveInt(values.incidents, "--incidents", DEMO_DEFAULTS.incidents),
    years: positiveInt(values.years, "--years", DEMO_DEFAULTS.years),
    seed: values.seed ?? DEMO_DEFAULTS.seed,
    until: untilDay(values.until),
  };
}

function showProgress(done: number, total: number): void {
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  process.stderr.write(`\r${done.toLocaleString("en")} / ${total.toLocaleString("en")} incidents (${pct}%)`);
  if (done === total) process.stderr.write("\n");
}

function main(): number {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }

  const file = databasePath();
  const db = openDatabase(file);
  try {
    const existing = countIncidents(db);
    if (existing > 0) {
      console.error(`${file} already has ${existing} incidents; demo data is only loaded into an empty database. Nothing was added.`);
      return 1;
    }
    const started = performance.now();
    const r = seedDemo(db, { ...args, onProgress: process.stderr.isTTY ? showProgress : undefined });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded ${file}: incidents ${r.incidents}, departments ${r.departments}, clients ${r.clients}, ` +
        `training sessions ${r.training} (seed "${args.seed}", fiscal years ${args.years}, until ${args.until}) in ${seconds} s`,
    );
    return 0;
  } finally {
    db.$client.close();
  }
}

process.exitCode = main();
