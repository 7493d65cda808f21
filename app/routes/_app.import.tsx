import {
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
} from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { TableHead } from "~/components/ui/TableHead";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { messages, type MessageKey } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { formError, readForm, replyWithError } from "~/modules/http.server";
import type { Actor } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { listBatches, undoBatch } from "~/modules/import/batches.server";
import { type ImportResult, UnusableFile } from "~/modules/import/commit.server";
import { importInWorker } from "~/modules/import/worker.server";
import { reporterFor } from "~/modules/import/progress-registry.server";
import { ImportProgress, ProgressIdField } from "~/components/import/ImportProgress";
import { ENCODINGS } from "~/modules/import/decode";
import { readImportForm } from "~/modules/import/form";
import { keepUpload, MAX_UPLOAD_BYTES, type Upload, uploadFor } from "~/modules/import/uploads.server";
import { displayDateTime, toTokyoDateTime } from "~/modules/incidents/dates";
import { INCIDENT_FIELDS } from "~/modules/incidents/schema";
import { labelOf } from "~/modules/incidents/taxonomy";

export const handle: PageHandle = { titleKey: "importPage.title" };

const PREVIEW_ROWS = 20;
const PREVIEW_FIELDS = ["ref", "occurred_at", "department", "channel", "client", "behaviours", "severity", "determination", "status", "summary"] as const;
const MAX_SHOWN_ERRORS = 500;
/** A file with thousands of columns would make a page of megabytes of selects; past this the mapping shows the first. */
const MAX_MAPPED_COLUMNS = 200;
const LIMIT_TEXT = `${MAX_UPLOAD_BYTES / 1024 / 1024} MB`;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "incidents.import");
  return { batches: listBatches(getDb(), 50), limit: LIMIT_TEXT, messages: messages(request, ["importPage", "import", "field", "importProgress"]) };
}

type Ran = { kind: "checked" | "committed"; token: string; name: string; result: ImportResult; encodingChoice: string };
/** What a refused file shows again: the mapping of its columns, when they were read. */
type Retry = { token: string; columns?: ImportResult["columns"]; encodingChoice: string };

/** Runs the importer on an uploaded file, in a worker thread on a connection of its own: the batch's transaction spans the whole file. */
async function runImport(upload: Upload, form: FormData, commit: boolean, actor: Actor) {
  const { token, name } = upload;
  const { encodingChoice, encoding, skipInvalid, update, mappingOverrides } = readImportForm(form);
  // The page's progress bar follows the import under the id the form carried (docs/decisions/0020).
  const progress = reporterFor(form.get("progressId"), actor.userId);
  try {
    // In a worker thread: parsing a large file would otherwise take the server's thread from every other user.
    const result = await importInWorker(upload.file, {
      dryRun: !commit,
      skipInvalid,
      update,
      encoding,
      fileName: name,
      mappingOverrides,
      errorFilePath: upload.errorFile,
      previewRows: PREVIEW_ROWS,
      maxErrors: MAX_SHOWN_ERRORS,
      actor,
    }, progress?.report);
    return { kind: commit ? "committed" : "checked", token, name, result, encodingChoice } satisfies Ran;
  } catch (e) {
    // A required column that was not recognised: the page offers the mapping so the user can point it out (200).
    if (e instanceof UnusableFile) return replyWithError<Retry>(e, { token, columns: e.partial?.columns, encodingChoice }, 200);
    throw e;
  } finally {
    progress?.finish();
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "incidents.import");
  const actor = actorOf(user, context);
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }));
    } catch (e) {
      if (e instanceof MaxPartSizeExceededError) {
        return formError(413, { key: "importPage.tooLarge", params: { max: LIMIT_TEXT } });
      }
      // A body that is not a multipart form a browser would send (no boundary, cut off, malformed).
      return formError(400, { key: "error.badForm" });
    }
    const file = form.get("file");
    if (!(file instanceof File) || (file.size === 0 && file.name === "")) {
      return formError(400, { key: "importPage.noFile" });
    }
    return runImport(await keepUpload(file), form, false, actor);
  }

  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "undo") {
    try {
      return { kind: "undone" as const, ...undoBatch(getDb(), String(form.get("batchId") ?? ""), actor) };
    } catch (e) {
      return replyWithError(e);
    }
  }
  const upload = uploadFor(String(form.get("token") ?? ""));
  if (!upload) return formError(410, { key: "importPage.expired" });
  return runImport(upload, form, intent === "commit", actor);
}

/**
 * What a run did, in one line: a committed run (or one that found nothing new) counts what it stored; a check or a run
 * stopped by invalid rows stored nothing and says what its valid rows would do.
 */
function countsLine(r: ImportResult, t: ReturnType<typeof useT>["t"]): string {
  const v = { rows: r.rows, imported: r.valid.imported, updated: r.valid.updated, duplicates: r.valid.duplicates, invalid: r.invalid };
  if (r.dryRun) return t("importPage.checkedCounts", v);
  if (r.blocked) return t("importPage.blockedCounts", { ...v, valid: r.valid.rows });
  return t("importPage.counts", { rows: r.rows, imported: r.imported, updated: r.updated, duplicates: r.duplicates, invalid: r.invalid });
}

export default function ImportPage() {
  const { batches, limit } = useLoaderData<typeof loader>();
  const { done: result, failed: problem } = useActionResult<typeof action, Partial<Retry>>();
  const { t, lang } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const checked = result && (result.kind === "checked" || result.kind === "committed") ? result : null;
  const r = checked?.result;
  const when = (iso: string) => displayDateTime(toTokyoDateTime(new Date(iso)));

  return (
    <section className="import-page">
      <h1>{t("importPage.title")}</h1>
      <p className="lead">{t("importPage.intro")}</p>
      <p className="muted">
        {t("importPage.limit", { max: limit })}{" "}
        <a href="/import/template.csv" download>
          {t("importPage.template")}
        </a>
      </p>

      <Form method="post" encType="multipart/form-data" className="card upload-form">
        <div className="field">
          <label htmlFor="file">{t("importPage.file")}</label>
          <input id="file" name="file" type="file" accept=".csv,.tsv,.txt,text/csv" required />
        </div>
        <div className="field">
          <label htmlFor="encoding">{t("importPage.encoding")}</label>
          <select id="encoding" name="encoding" defaultValue="auto">
            <option value="auto">{t("importPage.encodingAuto")}</option>
            {ENCODINGS.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <ProgressIdField />
        <button type="submit" className="primary" disabled={busy}>
          {t("importPage.check")}
        </button>
      </Form>
      <ImportProgress />

      {problem ? (
        <p className="error-summary" role="alert">
          {problem.summary}
        </p>
      ) : null}
      {problem?.values?.token && problem.values.columns ? (
        <MappingForm token={problem.values.token} encodingChoice={problem.values.encodingChoice ?? "auto"} columns={problem.values.columns} canCommit={false} busy={busy} />
      ) : null}
      {result?.kind === "undone" ? (
        <p className="flash" role="status">
          {t("importPage.undoneMessage", { deleted: result.deleted, restored: result.restored })}
        </p>
      ) : null}

      {checked && r ? (
        <>
          {checked.kind === "committed" ? (
            <p className={r.committed ? "flash" : "error-summary"} role="status">
              {r.committed
                ? t("importPage.done", { imported: r.imported, updated: r.updated })
                : r.invalid > 0
                  ? t("importPage.blocked")
                  : t("importPage.nothing")}
            </p>
          ) : null}

          <div className="card">
            <h2>{t("importPage.summary")}: {checked.name}</h2>
            <p>{t("importPage.detected", { encoding: r.encoding, delimiter: r.delimiter === "\t" ? t("importPage.tab") : t("importPage.comma") })}</p>
            <p className="counts">
              <strong>{countsLine(r, t)}</strong>
            </p>
            {r.importedBefore ? <p className="warning">{t("importPage.importedBefore", { at: when(r.importedBefore.at) })}</p> : null}
          </div>

          {checked.kind === "checked" ? (
            <MappingForm token={checked.token} encodingChoice={checked.encodingChoice} columns={r.columns} canCommit busy={busy} />
          ) : null}

          {r.errors.length > 0 ? (
            <div className="card">
              <h2>{t("importPage.errors", { n: r.invalid })}</h2>
              {r.errorFile ? (
                <p>
                  <a href={`/import/errors/${checked.token}`} download>
                    {t("importPage.errorFile")}
                  </a>
                </p>
              ) : null}
              {r.errorsTruncated ? <p className="hint">{t("importPage.errorsTruncated", { n: r.errors.length })}</p> : null}
              <div className="table-wrap">
                <table className="grid-table errors">
                  <TableHead labels={[t("importPage.row"), t("importPage.column"), t("importPage.value"), t("importPage.message")]} />
                  <tbody>
                    {r.errors.map((e, i) => (
                      <tr key={i}>
                        <td className="num">{e.row}</td>
                        <td>{e.column}</td>
                        <td>{e.value}</td>
                        <td>{t(e.messageKey.key, e.messageKey.params)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}

          {checked.kind === "checked" && r.preview.length > 0 ? (
            <div className="card">
              <h2>{t("importPage.preview", { n: r.preview.length })}</h2>
              <div className="table-wrap">
                <table className="grid-table preview">
                  <TableHead labels={PREVIEW_FIELDS.map((f) => t(`field.${f}`))} />
                  <tbody>
                    {r.preview.map((p, i) => (
                      <tr key={i}>
                        <td>{p.ref ?? ""}</td>
                        <td className="nowrap">{displayDateTime(p.occurred_at)}</td>
                        <td>{p.department ?? ""}</td>
                        <td>{labelOf("channel", p.channel, lang)}</td>
                        <td>{p.client ?? ""}</td>
                        <td>{p.behaviours.map((b) => labelOf("behaviours", b, lang)).join(t("common.listSeparator"))}</td>
                        <td>{p.severity ? labelOf("severity", String(p.severity), lang) : ""}</td>
                        <td>{labelOf("determination", p.determination, lang)}</td>
                        <td>{labelOf("status", p.status, lang)}</td>
                        <td className="summary">{p.summary ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}
        </>
      ) : null}

      <div className="card">
        <h2>{t("importPage.history")}</h2>
        {batches.length === 0 ? (
          <p className="muted">{t("importPage.noHistory")}</p>
        ) : (
          <table className="grid-table history">
            <TableHead
              labels={[t("importPage.when"), t("importPage.fileName"), t("importPage.result"), t("importPage.stored"), t("importPage.by"), ""]}
            />
            <tbody>
              {batches.map((b) => (
                <tr key={b.id}>
                  <td className="nowrap">{when(b.createdAt)}</td>
                  <td>{b.fileName}</td>
                  <td>{t("importPage.counts", { rows: b.rows, imported: b.imported, updated: b.updated, duplicates: b.duplicates, invalid: b.invalid })}</td>
                  <td className="num">{b.undoneAt ? <span className="muted">{t("importPage.undone")}</span> : b.stored}</td>
                  <td>{b.importedBy ?? ""}</td>
                  <td>
                    {b.undoneAt ? null : (
                      <Form
                        method="post"
                        onSubmit={(e) => {
                          if (!window.confirm(t("importPage.undoConfirm"))) e.preventDefault();
                        }}
                      >
                        <input type="hidden" name="batchId" value={b.id} />
                        <button type="submit" name="intent" value="undo" className="danger small" disabled={busy}>
                          {t("importPage.undo")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <p>
        <Link to="/incidents">{t("common.back")}</Link>
      </p>
    </section>
  );
}

/** The header → field table (correctable), re-check, and the commit options. */
function MappingForm(props: {
  token: string;
  encodingChoice: string;
  columns: ImportResult["columns"];
  canCommit: boolean;
  busy: boolean;
}) {
  const { t } = useT();
  const { token, encodingChoice, columns, canCommit, busy } = props;
  return (
    <Form method="post" className="card">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="encoding" value={encodingChoice} />
      <ProgressIdField />
      <h2>{t("importPage.mapping")}</h2>
      <p className="hint">{t("importPage.mappingHint")}</p>
      {columns.length > MAX_MAPPED_COLUMNS ? (
        <p className="hint">{t("importPage.columnsTruncated", { shown: MAX_MAPPED_COLUMNS, n: columns.length })}</p>
      ) : null}
      <table className="grid-table mapping">
        <TableHead labels={[t("importPage.header"), t("importPage.field")]} />
        <tbody>
          {columns.slice(0, MAX_MAPPED_COLUMNS).map((c, i) => (
            <tr key={`${i}-${c.header}`} className={c.field ? "" : "unmatched"}>
              <td>
                {c.header} {c.field ? null : <span className="status status-open">{t("importPage.unmatched")}</span>}
              </td>
              <td>
                <select name={`map:${c.header}`} defaultValue={c.field ?? ""} aria-label={c.header}>
                  <option value="">{t("importPage.ignore")}</option>
                  {INCIDENT_FIELDS.map((f) => (
                    <option key={f} value={f}>
                      {t(`field.${f}`)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="submit" name="intent" value="recheck" disabled={busy}>
          {t("importPage.recheck")}
        </button>
      </div>
      {canCommit ? (
        <>
          <h2>{t("importPage.commitTitle")}</h2>
          <div className="choices">
            <label>
              <input type="checkbox" name="skipInvalid" /> {t("importPage.skipInvalid")}
            </label>
            <label>
              <input type="checkbox" name="update" /> {t("importPage.update")}
            </label>
          </div>
          <div className="form-actions">
            <button type="submit" name="intent" value="commit" className="primary" disabled={busy}>
              {t("importPage.commit")}
            </button>
          </div>
        </>
      ) : null}
    </Form>
  );
}
