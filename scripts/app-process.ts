/**
 * The app as a child process, the way `npm start` runs it, on a free loopback port: for the browser tests' shared
 * server, for tests that need a server of their own (to kill it, lock its file, compare its whole database), and for
 * the load benchmark.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface OwnServer {
  server: ChildProcess;
  baseURL: string;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  /** Everything it printed so far. */
  output: () => string;
  /** SIGTERM (SIGKILL after 5 s), and wait for the exit. */
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Environment on top of this process's (DEMO_INCIDENTS is 0 unless given: the caller fills the database). */
  env?: Record<string, string>;
  /** Build first when the build is stale, as `npm start` does (default: no, the build is there). */
  build?: boolean;
  /** How long to wait for /healthz (a build takes a minute). */
  timeoutMs?: number;
  /** Resolve as soon as the process is spawned, without waiting for /healthz: for timing the start yourself. */
  noWait?: boolean;
  /** Called with each chunk the app prints (stdout and stderr), as it arrives. */
  onOutput?: (chunk: string) => void;
}

/**
 * Starts the app on `dbFile` (evidence files beside it) and resolves once /healthz answers (or at once with `noWait`);
 * rejects with everything the app printed if it exits or does not answer in time.
 */
export async function startApp(dbFile: string, opts: StartOptions = {}): Promise<OwnServer> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let output = "";
  const spawnedAt = performance.now();
  const server = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...(opts.build ? [] : ["--no-build"])], {
    env: {
      ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_PATH: dbFile, DEMO_INCIDENTS: "0",
      EVIDENCE_DIR: path.join(path.dirname(dbFile), "evidence"), ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (d: string) => {
    output += d;
    opts.onOutput?.(d);
  };
  for (const stream of [server.stdout!, server.stderr!]) stream.setEncoding("utf8").on("data", keep);
  for (const deadline = Date.now() + (opts.timeoutMs ?? 60_000); !opts.noWait; ) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer:\n${output}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    // A connection kept open would hold a graceful close: after 5 s the process is killed.
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(force);
  };
  return { server, baseURL, spawnedAt, output: () => output, stop };
}
