/**
 * Where the live database and the backups are (from the environment), what an operator types to reach them, and
 * the names of automatic backups.
 */
import path from "node:path";
import { databasePath as appDatabasePath } from "../../../db/client.server";

export const DEFAULT_BACKUP_DIR = "data/backups";
/** Names of backups taken without --out; `--keep N` prunes only these. */
export const AUTO_NAME = /^kasuhara-\d{8}-\d{6}(-\d+)?\.db$/;

/** The live database's absolute path (the backup names it in its messages and refuses to restore it onto itself). */
export function databasePath(): string {
  return path.resolve(appDatabasePath());
}

export function backupDir(): string {
  return path.resolve(process.env.BACKUP_DIR || DEFAULT_BACKUP_DIR);
}

/**
 * The backup folder, and what an operator types in a crontab to reach the same database and folder as this server:
 * the app's folder, the folder relative to it when inside it, and the environment this server was given.
 */
export function backupFolderInfo(): { folder: string; folderArg: string; cwd: string; env: string } {
  const folder = backupDir();
  const cwd = process.cwd();
  const rel = path.relative(cwd, folder);
  const quote = (v: string) => (/^[\w@+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  const env = (["DATABASE_PATH", "BACKUP_DIR"] as const)
    .filter((k) => process.env[k])
    .map((k) => `${k}=${quote(process.env[k]!)} `)
    .join("");
  const folderArg = rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? folder : rel;
  return { folder, folderArg: quote(folderArg), cwd: quote(cwd), env };
}
