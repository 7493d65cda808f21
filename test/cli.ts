/** Runs the import command as a real process, the way scripts and users call it. */
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
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: dbPath },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, output, exited };
}
