/**
 * `npm run bench -- load`: the app under concurrent use (issue 8). A real server (`scripts/start.ts`) on loopback, on a
 * throw-away database with demo data; READERS clients load the dashboard over and over, WRITERS clients record
 * incidents through the form, and meanwhile a ROWS-row CSV is imported — through the import page (upload, check,
 * commit: two passes over the file, each holding the write lock) or with `npm run import` in a second process.
 *
 * Prints requests/s, errors and p50/p95 latency per kind of request, then checks the database: every write the server
 * acknowledged (302 to the new incident) is stored with its text, the import stored every row, integrity_check = ok.
 * Exit status 1 when any request failed, any acknowledged write is missing or the import did not complete.
 * Bounded: the run stops SECONDS after it began at the latest (default 300).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../db/client.server";
import { seedDemo } from "../app/modules/demo/seed.server";
import { createUser } from "../app/modules/auth/users.server";
import type { Role } from "../app/modules/auth/permissions";
import { percentile } from "./bench-db";
import { startApp } from "./app-process";
import { HttpClient, location } from "./http-client";

export interface LoadOptions {
  readers: number;
  writers: number;
  rows: number;
  /** Demo incidents in the database before the run. */
  incidents: number;
  importVia: "web" | "cli";
  /** Hard limit of the whole run. */
  seconds: number;
  /** Load before the import starts and after it ends (the dashboard then reloads the months the import filled). */
  settleSeconds: number;
}

const PASSWORD = "load-test-password-long";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A UTF-8 CSV of `rows` incidents over six fiscal years, refs LOAD-000001…, small enough for the import page. */
export function writeLoadCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, "管理番号,発生日時,部署,発生場面,顧客名,行為類型,深刻度,概要,状況,終了日\n");
    const channels = ["電話", "対面", "メール", "SNS"];
    const behaviours = ["暴言", "暴言;執拗", "威圧的な言動", "土下座の要求", "MA07"];
    let buf = "";
    for (let i = 0; i < rows; i++) {
      const day = new Date(Date.UTC(2021, 3, 1) + Math.floor((i / rows) * 5.5 * 365) * 86_400_000);
      const date = day.toISOString().slice(0, 10);
      const time = `${String(9 + (i % 10)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
      const closed = i % 3 !== 0;
      buf +=
        `LOAD-${String(i + 1).padStart(6, "0")},${date} ${time},部署${i % 30},${channels[i % 4]},顧客${i % 4000},` +
        `${behaviours[i % 5]},${1 + (i % 4)},同じ要求を繰り返した(${i}),${closed ? "終了" : "対応中"},${closed ? date : ""}\n`;
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = "";
      }
    }
    fs.writeSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
}

interface Sample {
  kind: string;
  ms: number;
  ok: boolean;
}

const DASHBOARD_URLS = ["/", "/?period=FY2025", "/?period=2026-06", "/?period=FY2024&channel=C1", "/?period=FY2023&by=severity", "/?period=FY2025-Q3"];

function incidentForm(writer: number, n: number): URLSearchParams {
  const form = new URLSearchParams({
    occurred_at: `2026-${String(1 + (n % 10)).padStart(2, "0")}-${String(1 + (n % 28)).padStart(2, "0")}T${String(9 + (n % 9)).padStart(2, "0")}:15`,
    department: `負荷部署${writer}`,
    channel: "C1",
    severity: String(1 + (n % 4)),
    responders: "2",
    summary: `負荷試験 writer-${writer}-${n}`,
    status: "open",
    determination: "D1",
  });
  form.append("behaviours", "MA05");
  return form;
}

function serverRssMb(pid: number | undefined): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    return kb ? Math.round(Number(kb[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export async function benchLoad(opts: LoadOptions): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-load-"));
  const dbFile = path.join(dir, "load.db");
  const csv = path.join(dir, "history.csv");
  let server: ChildProcess | undefined;
  try {
    // The database: demo data and the users who will sign in.
    let t = performance.now();
    const db = openDatabase(dbFile);
    seedDemo(db, { incidents: opts.incidents, seed: "load" });
    const setup = { userId: null, name: "load benchmark", ip: null };
    const users: [string, Role][] = [["importer@load.test", "hr"], ["writer@load.test", "hr"], ["hr@load.test", "hr"], ["exec@load.test", "executive"]];
    for (const [email, role] of users) await createUser(db, { email, displayName: null, role, department: null }, setup, { password: PASSWORD });
    const before = (db.$client.prepare("select count(*) as n from incidents").get() as { n: number }).n;
    db.$client.close();
    writeLoadCsv(csv, opts.rows);
    console.log(
      `database: ${before.toLocaleString()} incidents; CSV: ${opts.rows.toLocaleString()} rows, ${(fs.statSync(csv).size / 1e6).toFixed(1)} MB ` +
        `(prepared in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );

    // The server, as `npm start` runs it (it builds first when the build is stale).
    const app = await startApp(dbFile, { build: true, timeoutMs: 240_000 });
    server = app.server;
    const base = app.baseURL;

    const readers = await Promise.all(
      Array.from({ length: opts.readers }, async (_, i) => {
        const c = new HttpClient(base);
        await c.signIn({ email: i % 4 === 3 ? "exec@load.test" : "hr@load.test", password: PASSWORD });
        return c;
      }),
    );
    const writers = await Promise.all(
      Array.from({ length: opts.writers }, async () => {
        const c = new HttpClient(base);
        await c.signIn({ email: "writer@load.test", password: PASSWORD });
        return c;
      }),
    );
    const importer = new HttpClient(base);
    await importer.signIn({ email: "importer@load.test", password: PASSWORD });

    const samples: Sample[] = [];
    const failures: string[] = [];
    const acknowledged: { id: number; summary: string }[] = [];
    const started = performance.now();
    const hardStop = started + opts.seconds * 1000;
    let stopAt = hardStop;
    const running = () => performance.now() < stopAt;
    const timed = async (kind: string, run: () => Promise<string | null>) => {
      const t0 = performance.now();
      let problem: string | null;
      try {
        problem = await run();
      } catch (e) {
        problem = `network: ${(e as Error).message}`;
      }
      samples.push({ kind, ms: performance.now() - t0, ok: problem === null });
      if (problem !== null && failures.length < 20) failures.push(`${kind}: ${problem}`);
    };

    const readerLoops = readers.map(async (c, i) => {
      for (let n = 0; running(); n++) {
        const url = DASHBOARD_URLS[(i + n) % DASHBOARD_URLS.length];
        await timed("dashboard", async () => {
          const res = await c.get(url);
          const html = await res.text();
          if (res.status !== 200) return `${res.status} on ${url}`;
          if (html.includes('class="error-page"')) return `error page on ${url}`;
          return null;
        });
      }
    });
    const writerLoops = writers.map(async (c, w) => {
      for (let n = 0; running(); n++) {
        const form = incidentForm(w, n);
        await timed("write", async () => {
          const res = await c.post("/incidents/new", form);
          const body = await res.text();
          const id = /^\/incidents\/(\d+)/.exec(location(res))?.[1];
          if (res.status !== 302 || !id) return `${res.status}: ${body.slice(0, 200)}`;
          acknowledged.push({ id: Number(id), summary: form.get("summary")! });
          return null;
        });
      }
    });

    // The import, after the load has settled in.
    await sleep(opts.settleSeconds * 1000);
    const importStarted = performance.now();
    let imported = false;
    let importDetail = "";
    if (opts.importVia === "web") {
      try {
        const upload = new FormData();
        upload.set("file", new Blob([fs.readFileSync(csv)], { type: "text/csv" }), "history.csv");
        upload.set("encoding", "auto");
        let res = await importer.post("/import", upload);
        let html = await res.text();
        const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
        const checkedMs = performance.now() - importStarted;
        if (res.status !== 200 || !token) importDetail = `upload/check: ${res.status} ${html.slice(0, 300)}`;
        else {
          res = await importer.post("/import", new URLSearchParams({ token, encoding: "auto", intent: "commit" }));
          html = await res.text();
          imported = res.status === 200 && !html.includes('class="error-page"');
          importDetail = `check ${(checkedMs / 1000).toFixed(1)} s + commit ${((performance.now() - importStarted - checkedMs) / 1000).toFixed(1)} s`;
          if (!imported) importDetail += `: ${res.status}`;
        }
      } catch (e) {
        importDetail = `import request failed: ${(e as Error).message} (${String((e as { cause?: unknown }).cause ?? "")})`;
      }
    } else {
      const cli = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", csv, "--json"], {
        env: { ...process.env, DATABASE_PATH: dbFile },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      cli.stdout!.on("data", (d) => (out += d));
      cli.stderr!.on("data", (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => cli.on("exit", resolve));
      imported = code === 0;
      importDetail = imported ? "npm run import exit 0" : `npm run import exit ${code}: ${out.slice(0, 300)}`;
    }
    const importMs = performance.now() - importStarted;
    stopAt = Math.min(hardStop, performance.now() + opts.settleSeconds * 1000);
    await Promise.all([...readerLoops, ...writerLoops]);
    const elapsed = (performance.now() - started) / 1000;
    const rss = serverRssMb(server.pid);
    const alive = server.exitCode === null;

    // Stop the server, then look at what is stored.
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
    const check = new Database(dbFile, { readonly: true });
    const find = check.prepare("select summary from incidents where id = ?").pluck();
    const lost = acknowledged.filter((w) => find.get(w.id) !== w.summary);
    const importedRows = check.prepare("select count(*) from incidents where ref like 'LOAD-%'").pluck().get() as number;
    const integrity = check.pragma("integrity_check", { simple: true });
    check.close();

    console.log(
      `\n${opts.readers} dashboard readers, ${opts.writers} writers, ${opts.rows.toLocaleString()}-row import via ${opts.importVia} ` +
        `(${importDetail}, ${(importMs / 1000).toFixed(1)} s); ${elapsed.toFixed(1)} s in all\n`,
    );
    console.log("kind          requests    req/s   errors   p50 ms   p95 ms   max ms");
    for (const kind of ["dashboard", "write"]) {
      const mine = samples.filter((s) => s.kind === kind);
      const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
      const errors = mine.filter((s) => !s.ok).length;
      console.log(
        `${kind.padEnd(12)} ${String(mine.length).padStart(9)} ${(mine.length / elapsed).toFixed(1).padStart(8)} ${String(errors).padStart(8)} ` +
          `${(percentile(ms, 50) ?? 0).toFixed(0).padStart(8)} ${(percentile(ms, 95) ?? 0).toFixed(0).padStart(8)} ${(ms.at(-1) ?? 0).toFixed(0).padStart(8)}`,
      );
    }
    const errors = samples.filter((s) => !s.ok).length;
    console.log(`\nall requests: ${samples.length.toLocaleString()} (${(samples.length / elapsed).toFixed(1)}/s), errors: ${errors}`);
    console.log(`acknowledged writes: ${acknowledged.length}, lost: ${lost.length}`);
    console.log(`imported rows stored: ${importedRows.toLocaleString()} of ${opts.rows.toLocaleString()}`);
    console.log(`integrity_check: ${integrity}; server alive to the end: ${alive}; server peak RSS: ${rss ?? "?"} MB`);
    for (const f of failures) console.log(`  ${f}`);
    return errors === 0 && lost.length === 0 && imported && importedRows === opts.rows && integrity === "ok" && alive;
  } finally {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
