/** `npm run user -- add …` (docs/spec/reports.md): adds users from the command line, exactly per the contract. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { signIn } from "~/modules/auth/users.server";
import { startCli } from "./cli";

let dir: string;
let dbPath: string;

async function user(args: string[], stdin?: string) {
  const run = startCli("scripts/user.ts", dbPath, args, stdin);
  const { code } = await run.exited;
  return { code, ...run.output };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-user-cli-"));
  dbPath = path.join(dir, "users.db");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each test runs the command as a process: about a second of tsx start-up each, more on a loaded machine.
describe("npm run user -- add", { timeout: 60_000 }, () => {
  it("adds a supervisor with the password read from stdin, who can then sign in", async () => {
    const r = await user(
      ["add", "--email", "Ueda.Sup@Example.co.jp", "--role", "supervisor", "--department", "新宿店", "--password-stdin"],
      "a long enough password\n",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ueda.sup@example.co.jp");
    const db = openDatabase(dbPath);
    try {
      const result = await signIn(db, "ueda.sup@example.co.jp", "a long enough password", { ip: null });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.user).toMatchObject({ role: "supervisor", mustChangePassword: false });
      const audit = db.$client.prepare("select actor, action from audit_log where action = 'user.created'").get() as { actor: string };
      expect(audit.actor).toMatch(/\(cli\)$/);
    } finally {
      db.$client.close();
    }
  });

  it("without --password-stdin prints a one-time password that must be changed", async () => {
    const r = await user(["add", "--email", "exec@example.co.jp", "--role", "executive"]);
    expect(r.code, r.stderr).toBe(0);
    const otp = /one-time password\): (\S+)/.exec(r.stdout)?.[1];
    expect(otp).toBeTruthy();
    const db = openDatabase(dbPath);
    try {
      const result = await signIn(db, "exec@example.co.jp", otp!, { ip: null });
      expect(result.ok && result.user.mustChangePassword).toBe(true);
    } finally {
      db.$client.close();
    }
  });

  it("refuses with exit 1 and a Japanese reason: a taken e-mail, a supervisor without department, a short password", async () => {
    const taken = await user(["add", "--email", "EXEC@example.co.jp", "--role", "hr"]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("既に登録されています");
    const noDept = await user(["add", "--email", "s2@example.co.jp", "--role", "supervisor"]);
    expect(noDept.code).toBe(1);
    expect(noDept.stderr).toContain("上長には担当部署が必要です");
    const short = await user(["add", "--email", "s3@example.co.jp", "--role", "hr", "--password-stdin"], "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("12文字以上");
  });

  it("exits 2 on a wrong command line", async () => {
    expect((await user(["add", "--email", "x@example.co.jp"])).code).toBe(2);
    expect((await user(["frobnicate"])).code).toBe(2);
    expect((await user(["add", "--bogus"])).code).toBe(2);
  });

  it("lists users as JSON, never with password hashes", async () => {
    const r = await user(["list", "--json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { email: string; role: string }[];
    expect(list.map((u) => u.email).sort()).toEqual(["exec@example.co.jp", "ueda.sup@example.co.jp"]);
    expect(r.stdout).not.toContain("scrypt$");
  });
});
