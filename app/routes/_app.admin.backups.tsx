import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { useT } from "~/i18n/use-t";
import { type MessageKey, messages } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { formError } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { backupDatabase, nextBackupFile } from "~/modules/backup/backup.server";
import { BackupError } from "~/modules/backup/errors";
import { lastVerifiedBackup, listBackups, type BackupListItem } from "~/modules/backup/history.server";
import { backupDir, backupFolderInfo, databasePath } from "~/modules/backup/paths.server";
import { formatBytes } from "~/modules/backup/format";
import { displayInstant } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "backups.title" };

/** The counts shown for a backup: what an auditor asks about first. */
const SHOWN_COUNTS = ["incidents", "audit_log", "issued_reports"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "settings.manage");
  const db = getDb();
  return { backups: listBackups(db, 20), lastVerified: lastVerifiedBackup(db), ...backupFolderInfo(), messages: messages(request, ["backups"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "settings.manage");
  try {
    const r = await backupDatabase(databasePath(), nextBackupFile(backupDir()), { actor: actorOf(user, context), trigger: "web" });
    return { file: r.file, bytes: r.bytes };
  } catch (e) {
    // Answered on the page itself (200), above the list of backups.
    const error = e instanceof BackupError ? e.userFacing : { key: "backups.error.copyFailed" as const, params: { detail: (e as Error).message } };
    return formError(200, error);
  }
}

type Item = BackupListItem;

const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

function seconds(b: Pick<BackupListItem, "startedAt" | "finishedAt">): string {
  return ((Date.parse(b.finishedAt) - Date.parse(b.startedAt)) / 1000).toFixed(1);
}

function StatusBadge({ b }: { b: Item }) {
  const { t } = useT();
  return <span className={`status backup-${b.status}`}>{t(`backups.status.${b.status}`)}</span>;
}

function LastBackup({ b, lastVerified }: { b: Item; lastVerified: { startedAt: string; file: string } | null }) {
  const { t } = useT();
  return (
    <div className={`card last-backup last-backup-${b.status}`}>
      <h2>
        {t("backups.last")} <StatusBadge b={b} />
      </h2>
      <dl className="facts">
        <div>
          <dt>{t("backups.at")}</dt>
          <dd>
            {displayInstant(b.startedAt)} <span className="muted">({t("backups.duration", { s: seconds(b) })})</span>
          </dd>
        </div>
        <div>
          <dt>{t("backups.by")}</dt>
          <dd>
            {b.userName} <span className="muted">({t(`backups.trigger.${b.trigger}`)})</span>
          </dd>
        </div>
        <div>
          <dt>{t("backups.size")}</dt>
          <dd>{formatBytes(b.bytes)}</dd>
        </div>
        {SHOWN_COUNTS.map((k) => (
          <div key={k}>
            <dt>{t(`backups.count.${k}`)}</dt>
            <dd>{b.counts?.[k]?.toLocaleString() ?? "—"}</dd>
          </div>
        ))}
      </dl>
      <p className="backup-file">
        <span className="muted">{t("backups.file")}:</span> <code>{b.file}</code>
      </p>
      {b.sha256 ? <p className="hint">SHA-256: <code>{b.sha256}</code></p> : null}
      {b.status === "failed" ? (
        <>
          <p className="warning">
            {t("backups.reason")}: {b.message}
          </p>
          <p className="notice">
            {lastVerified
              ? t("backups.lastVerified", { at: displayInstant(lastVerified.startedAt), file: baseName(lastVerified.file) })
              : t("backups.noneVerified")}
          </p>
        </>
      ) : null}
    </div>
  );
}

export default function Backups() {
  const { backups, lastVerified, folder, folderArg, cwd, env } = useLoaderData<typeof loader>();
  const { done: result, failed } = useActionResult<typeof action>();
  const running = useNavigation().state === "submitting";
  const { t } = useT();
  const last = backups[0];
  return (
    <section className="backups-page">
      <h1>{t("backups.title")}</h1>
      <p className="lead">{t("backups.intro")}</p>
      {result ? (
        <p className="flash" role="status">
          {t("backups.done", { file: baseName(result.file), size: formatBytes(result.bytes) })}
        </p>
      ) : null}
      {failed ? (
        <div className="error-summary" role="alert">
          <p>{t("backups.failedNow")}</p>
          <p>{failed.summary}</p>
        </div>
      ) : null}

      {last ? <LastBackup b={last} lastVerified={lastVerified} /> : <p className="empty">{t("backups.none")}</p>}

      <Form method="post" className="card backup-run">
        <p>
          <span className="muted">{t("backups.folder")}:</span> <code>{folder}</code>
        </p>
        <p className="hint">{t("backups.runHint")}</p>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={running}>
            {running ? t("backups.running") : t("backups.run")}
          </button>
        </div>
      </Form>

      {backups.length > 0 ? (
        <>
          <h2>{t("backups.recent")}</h2>
          <div className="table-wrap">
            <table className="grid-table backups">
              <thead>
                <tr>
                  <th scope="col">{t("backups.at")}</th>
                  <th scope="col">{t("backups.status")}</th>
                  <th scope="col">{t("backups.file")}</th>
                  <th scope="col" className="num">
                    {t("backups.size")}
                  </th>
                  {SHOWN_COUNTS.map((k) => (
                    <th key={k} scope="col" className="num">
                      {t(`backups.count.${k}`)}
                    </th>
                  ))}
                  <th scope="col">{t("backups.by")}</th>
                </tr>
              </thead>
              <tbody>
                {backups.map((b) => (
                  <tr key={b.id} className={b.status === "failed" ? "warn" : undefined}>
                    <td className="nowrap">{displayInstant(b.startedAt)}</td>
                    <td className="nowrap">
                      <StatusBadge b={b} />
                    </td>
                    <td>
                      <code title={b.file}>{baseName(b.file)}</code>
                      {b.status === "failed" ? <div className="small warning">{b.message}</div> : null}
                    </td>
                    <td className="num">{formatBytes(b.bytes)}</td>
                    {SHOWN_COUNTS.map((k) => (
                      <td key={k} className="num">
                        {b.counts?.[k]?.toLocaleString() ?? "—"}
                      </td>
                    ))}
                    <td>
                      {b.userName} <span className="muted small">({t(`backups.trigger.${b.trigger}`)})</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      <aside className="card help-box" aria-labelledby="backup-help">
        <h2 id="backup-help">{t("backups.help.title")}</h2>
        <p>{t("backups.help.schedule")}</p>
        <pre className="command">{`0 2 * * * cd ${cwd} && ${env}npm run -s backup -- --keep 30 >> ${folderArg}/backup.log 2>&1`}</pre>
        <p>{t("backups.help.restore")}</p>
        <pre className="command">{`cd ${cwd} && ${env}npm run restore -- ${folderArg}/kasuhara-YYYYMMDD-HHmmss.db`}</pre>
        <p className="hint">{t("backups.help.more")}</p>
      </aside>
    </section>
  );
}
