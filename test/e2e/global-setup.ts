/**
 * Starts the app once for all browser tests, the way a user does (`npm start`: build when stale, migrate, demo data),
 * on a free port with a throw-away database.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { type OwnServer, startApp } from "../../scripts/app-process";

/** A user the browser and HTTP tests sign in as (password known, no forced change). */
export interface TestUser {
  email: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The first admin as `npm start` printed it: the one-time password is taken from the server's output. */
    firstAdmin: { email: string; oneTimePassword: string };
    users: Record<"admin" | "hr" | "supervisor" | "executive", TestUser>;
    /** The supervisor's department, one of its incidents, and an incident of another department. */
    scope: { department: string; ownIncident: number; otherIncident: number };
    /** The server's database file, for tests that check what was stored (read-only use). */
    databasePath: string;
  }
}

export const TEST_PASSWORD = "e2e-password-long-enough";

/** Users of every role, added the way an admin would (users.server), on the server's own database file. */
async function addUsers(databasePath: string) {
  const { openDatabase } = await import("../../db/client.server");
  const { createUser } = await import("~/modules/auth/users.server");
  const db = openDatabase(databasePath);
  try {
    // The department with the most incidents is the supervisor's; any incident elsewhere is "another department's".
    const busiest = db.$client
      .prepare(
        `select d.name as name, d.id as id from incidents i join departments d on d.id = i.department_id
         group by d.id order by count(*) desc limit 1`,
      )
      .get() as { name: string; id: number };
    const own = db.$client.prepare("select min(id) as id from incidents where department_id = ?").get(busiest.id) as { id: number };
    const other = db.$client
      .prepare("select min(id) as id from incidents where department_id is not null and department_id <> ?")
      .get(busiest.id) as { id: number };
    const actor = { userId: null, name: "e2e setup", ip: null };
    const users = {
      admin: { email: "admin2@e2e.test", password: TEST_PASSWORD },
      hr: { email: "hr@e2e.test", password: TEST_PASSWORD },
      supervisor: { email: "supervisor@e2e.test", password: TEST_PASSWORD },
      executive: { email: "executive@e2e.test", password: TEST_PASSWORD },
    };
    for (const [role, u] of Object.entries(users) as [keyof typeof users, TestUser][]) {
      const department = role === "supervisor" ? busiest.name : null;
      await createUser(db, { email: u.email, displayName: null, role, department }, actor, { password: u.password });
    }
    return { users, scope: { department: busiest.name, ownIncident: own.id, otherIncident: other.id } };
  } finally {
    db.$client.close();
  }
}

let server: OwnServer | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-e2e-"));
  const databasePath = path.join(dir, "e2e.db");
  const app = await startApp(databasePath, {
    build: true,
    timeoutMs: 200_000,
    env: { DEMO_INCIDENTS: "400", EVIDENCE_DIR: path.join(dir, "evidence"), BACKUP_DIR: path.join(dir, "backups") },
  });
  server = app;
  const { baseURL } = app;
  const output = app.output();
  const printed = /メールアドレス \(e-mail\):\s+(\S+)[\s\S]*?one-time password\):\s+(\S+)/.exec(output);
  if (!printed) throw new Error(`npm start did not print the first admin's e-mail and one-time password:\n${output}`);
  project.provide("baseURL", baseURL);
  project.provide("firstAdmin", { email: printed[1], oneTimePassword: printed[2] });
  const { users, scope } = await addUsers(databasePath);
  project.provide("users", users);
  project.provide("scope", scope);
  project.provide("databasePath", databasePath);
  return async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}
