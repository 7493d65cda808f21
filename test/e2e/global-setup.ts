/**
 * Starts the app once for all browser tests, the way a user does (`npm start`: build when stale, migrate, demo data),
 * on a free port with a throw-away database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

let server: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let output = "";
  server = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_PATH: path.join(dir, "e2e.db"), DEMO_INCIDENTS: "400" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 200_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the app exited before serving:\n${output}`);
    try {
      const r = await fetch(`${baseURL}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the app did not answer /healthz in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  project.provide("baseURL", baseURL);
  return async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}
