/** Runs the project's commands as real processes, the way scripts and users call them. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface CliProcess {
  child: ChildProcess;
  /** What the process has printed so far. */
  output: { stdout: string; stderr: string };
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startImportCli(dbPath: string, args: string[]): CliProcess {
  return startCli("scripts/import.ts", dbPath, args);
}

/** Runs `scripts/<name>` on a database; `stdin` is written to the process and closed. */
export function startCli(script: string, dbPath: string, args: string[], stdin?: string): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: dbPath },
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, output, exited };
}
