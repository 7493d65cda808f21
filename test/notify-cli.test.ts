/**
 * `npm run notify -- --sweep` (issue 19, for cron) as a real process on a database file: the owner of an overdue
 * corrective action is told and mailed once; a second run tells and mails nothing; a wrong command line exits 2. And
 * `npm run import` mails its summary before it exits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../db/client.server";
import { departments, users } from "../db/schema";
import { createIncident } from "~/modules/incidents/mutations.server";
import { saveDraft } from "~/modules/incidents/report.server";
import { startCli, startImportCli } from "./cli";
import { incidentInput, TODAY } from "./helpers";
import { startSmtpSink, type SmtpSink } from "./smtp-sink";

let dir: string;
let dbPath: string;
let sink: SmtpSink;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-notify-cli-"));
  dbPath = path.join(dir, "kasuhara.db");
  const db = openDatabase(dbPath);
  const tokyo = db.insert(departments).values({ name: "東京本店", normalizedName: "東京本店" }).returning({ id: departments.id }).get().id;
  db.insert(users).values({ email: "sup@example.com", role: "supervisor", departmentId: tokyo, passwordHash: "x" }).run();
  const id = createIncident(db, incidentInput({ ref: "KH-2026-00077" }), { today: TODAY });
  const actor = { userId: null, name: "test", ip: null };
  saveDraft(db, id, {
    whatHappened: "事象", causeAnalysis: "原因", supervisorComment: null,
    actions: [{ action: "基準を共有する", owner: "店長", due: "2026-11-01", done: false }],
  }, actor);
  db.$client.close();
  sink = await startSmtpSink();
  vi.stubEnv("SMTP_URL", sink.url);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sink.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sweep(args: string[]) {
  const p = startCli("scripts/notify.ts", dbPath, args);
  const { code } = await p.exited;
  return { code, ...p.output };
}

describe("npm run notify -- --sweep", () => {
  it("tells and mails the overdue action's owner once, however often it runs", async () => {
    const first = await sweep(["--sweep", "--today", TODAY, "--json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ today: TODAY, overdue: 1, sent: 1, failed: 0, digests: 0 });
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0].to).toEqual(["sup@example.com"]);
    expect(sink.mails[0].subject).toBe("【カスハラ記録】是正処置が期限 2026-11-01 を過ぎています KH-2026-00077（東京本店）");
    expect(sink.mails[0].text).not.toContain("基準を共有する");

    const second = await sweep(["--sweep", "--today", "2026-11-22", "--json"]);
    expect(JSON.parse(second.stdout)).toEqual({ today: "2026-11-22", overdue: 0, sent: 0, failed: 0, digests: 0 });
    expect(sink.mails).toHaveLength(1);
  }, 60_000);

  it("an import from the command line mails the department's supervisors one summary before it exits", async () => {
    sink.mails.length = 0;
    const p = startImportCli(dbPath, [path.resolve("test/fixtures/import/sample-utf8.csv"), "--json"]);
    expect((await p.exited).code).toBe(0);
    expect(sink.mails.map((m) => [m.to, m.subject])).toEqual([[["sup@example.com"], "【カスハラ記録】取り込みで 東京本店 の事案が 3 件追加されました"]]);
  }, 60_000);

  it("refuses a wrong command line with exit 2", async () => {
    expect((await sweep([])).code).toBe(2);
    const bad = await sweep(["--sweep", "--today", "2026-13-45"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("YYYY-MM-DD");
  }, 60_000);
});
