/**
 * `npm start`: builds the app when the build is missing or older than its sources, migrates the database, loads the
 * demo data into an empty database, then serves on PORT (default 3000).
 *
 * Environment: PORT, HOST, DATABASE_PATH (default data/kasuhara.db), DEMO_INCIDENTS (size of the demo data, default 3000;
 * 0 starts with an empty database).
 */
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { openDatabase } from "../db/client.server";
import { countIncidents } from "../app/modules/incidents/queries.server";
import { seedDemo } from "../app/modules/demo/seed.server";

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
  console.log(built ? "ソースが更新されているため再ビルドします… (rebuilding: sources changed)" : "ビルドしています… (building)");
  const r = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) {
    console.error("ビルドに失敗しました (build failed)");
    process.exit(1);
  }
}

function prepareDatabase(): void {
  const db = openDatabase();
  try {
    if (countIncidents(db) === 0) {
      const n = Number(process.env.DEMO_INCIDENTS ?? 3000);
      if (Number.isInteger(n) && n > 0) {
        const started = Date.now();
        const r = seedDemo(db, { incidents: n });
        console.log(`デモデータを投入しました: 事案 ${r.incidents}件 (demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
  } finally {
    db.$client.close();
  }
}

async function serve(): Promise<void> {
  const build = (await import(pathToFileURL(BUILD_FILE).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: "production" }));
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "0.0.0.0";
  const server = app.listen(port, host, () => {
    const addr = server.address();
    const actual = typeof addr === "object" && addr ? addr.port : port;
    console.log(`http://localhost:${actual} で待ち受けています (listening; database: ${process.env.DATABASE_PATH ?? "data/kasuhara.db"})`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const { values } = parseArgs({ options: { "no-build": { type: "boolean", default: false } } });
process.env.NODE_ENV ??= "production";
if (!values["no-build"]) buildIfStale();
prepareDatabase();
await serve();
