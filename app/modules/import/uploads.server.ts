/**
 * Files uploaded on the import page wait here between "check" and "commit", under the data folder (never served).
 * A random token names each; the page only ever passes the token, never a path. A token is good for the user who
 * uploaded the file only (issue 18): another user who learns it (a shared screen, a log) gets "expired".
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { databasePath } from "../../../db/client.server";

/** Uploads larger than this are refused with a message; bigger histories go through `npm run import`. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const KEEP_MS = 24 * 60 * 60 * 1000;
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uploadDir(): string {
  const dir = path.join(path.dirname(path.resolve(databasePath())), "uploads");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Upload {
  token: string;
  /** The name the file had on the user's machine (for the batch record and the error file's name). */
  name: string;
  file: string;
  errorFile: string;
}

/** The upload of a token, if that user made it. */
export function uploadFor(token: string, userId: number): Upload | null {
  if (!TOKEN.test(token)) return null;
  const dir = uploadDir();
  const meta = path.join(dir, `${token}.json`);
  if (!fs.existsSync(meta)) return null;
  const kept = JSON.parse(fs.readFileSync(meta, "utf8")) as { name: string; userId?: number };
  if (kept.userId !== userId) return null;
  return { token, name: kept.name, file: path.join(dir, `${token}.csv`), errorFile: path.join(dir, `${token}.errors.csv`) };
}

/** Keeps an uploaded file under a new token; clears uploads older than a day while at it. */
export async function keepUpload(data: File, userId: number): Promise<Upload> {
  const dir = uploadDir();
  const now = Date.now();
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (now - fs.statSync(p).mtimeMs > KEEP_MS) fs.rmSync(p, { force: true });
  }
  const token = randomUUID();
  const name = path.basename(data.name || "upload.csv");
  fs.writeFileSync(path.join(dir, `${token}.csv`), Buffer.from(await data.arrayBuffer()));
  fs.writeFileSync(path.join(dir, `${token}.json`), JSON.stringify({ name, userId }));
  return uploadFor(token, userId)!;
}
