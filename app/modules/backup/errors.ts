/**
 * Why a backup or a restore refused or failed, in words an operator can act on. Its own file because the inspection,
 * the backup and the restore all throw it, and the page and the CLIs catch it.
 */
import { translate, type MessageKey, type Params } from "../../i18n";
import { AppError } from "../errors";

export type BackupErrorCode =
  | "noDatabase"
  | "exists"
  | "copyFailed"
  | "notFound"
  | "notSqlite"
  | "corrupt"
  | "foreignKeys"
  | "notApp"
  | "newerMigration"
  | "unknownMigration"
  | "mismatch"
  | "safetyFailed"
  | "sameFile"
  | "busy";

/** As an HTTP status: what the operator asked for clashes, is missing, is not a usable backup, or the copy failed. */
const STATUS: Record<BackupErrorCode, number> = {
  noDatabase: 404, notFound: 404, exists: 409, sameFile: 409, busy: 409, notSqlite: 422, corrupt: 422, foreignKeys: 422,
  notApp: 422, newerMigration: 422, unknownMigration: 422, mismatch: 500, copyFailed: 500, safetyFailed: 500,
};

/**
 * A refusal or failure with what to do about it: an AppError like any other (the page shows its key), whose `message`
 * holds the Japanese and English text together, as the CLIs print it.
 */
export class BackupError extends AppError {
  constructor(
    readonly code: BackupErrorCode,
    params: Params = {},
    options?: { cause?: unknown },
  ) {
    const key = `backups.error.${code}` as MessageKey;
    super(STATUS[code], key, { params, cause: options?.cause, logMessage: `${translate("ja", key, params)} (${translate("en", key, params)})` });
    this.name = "BackupError";
  }
}
