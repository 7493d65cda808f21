/**
 * Why a backup or a restore refused or failed, in words an operator can act on. Its own file because the inspection,
 * the backup and the restore all throw it, and the page and the CLIs catch it.
 */
import { translate, type MessageKey, type Params } from "../../i18n";

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

/** A refusal or failure with what to do about it, in Japanese and English (the CLI prints both, the page one). */
export class BackupError extends Error {
  readonly key: MessageKey;
  constructor(
    readonly code: BackupErrorCode,
    readonly params: Params = {},
    options?: { cause?: unknown },
  ) {
    const key = `backups.error.${code}` as MessageKey;
    super(`${translate("ja", key, params)} (${translate("en", key, params)})`, options);
    this.name = "BackupError";
    this.key = key;
  }
}
