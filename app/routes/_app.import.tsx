import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { TableHead } from "~/components/ui/TableHead";
import { CsvDownload } from "~/components/ui/CsvDownload";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { messages, type Message, type MessageKey } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { dispatchSoon } from "~/modules/notifications/mail.server";
import { BodyTooLarge, formError, FORM_OVERHEAD_BYTES, readForm, readMultipartForm, replyWithError } from "~/modules/http.server";
import type { Actor } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { listBatches, undoBatch } from "~/modules/import/batches.server";
import { deleteMapping, listMappings, mappingByName, saveMapping } from "~/modules/import/mappings.server";
import { PRESET_IDS, type PresetId } from "~/modules/import/presets";
import type { IncidentField } from "~/modules/incidents/schema";
import { type ImportResult, UnusableFile } from "~/modules/import/commit.server";
import { importInWorker } from "~/modules/import/worker.server";
import { type ProgressReporter, reporterFor } from "~/modules/import/progress-registry.server";
import { ImportProgress, ProgressIdField } from "~/components/import/ImportProgress";
import { ENCODINGS } from "~/modules/import/decode";
import { type ImportFormChoices, MAPPING_NAME_MAX, readImportForm } from "~/modules/import/form";
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
  const db = getDb();
  return {
    batches: listBatches(db, 50),
    mappings: listMappings(db).map((m) => m.name),
    limit: LIMIT_TEXT,
    messages: messages(request, ["importPage", "import", "field", "importProgress"]),
  };
}

/** What the mapping screen shows again: the choices posted with the file. */
type Choices = { encodingChoice: string; presetChoice: string };
type Ran = { kind: "checked" | "committed"; token: string; name: string; result: ImportResult; flash?: Message } & Choices;
/** What a refused file shows again: the mapping of its columns, when they were read. */
type Retry = {
  token: string;
  columns?: ImportResult["columns"];
  preset?: PresetId | null;
  flash?: Message;
  /** A workbook's sheet read and its sheets, so another can be chosen when this one was refused. */
  sheet?: string;
  sheets?: string[];
} & Choices;

type Outcome = { ok: true; result: ImportResult } | { ok: false; refused: UnusableFile };

/** Runs the importer on an uploaded file, in a worker thread on a connection of its own: the batch's transaction spans the whole file. */
async function execute(upload: Upload, choices: ImportFormChoices, commit: boolean, actor: Actor, progress?: ProgressReporter): Promise<Outcome> {
  const { encoding, skipInvalid, update, mappingOverrides, preset, savedMapping, sheet } = choices;
  try {
    // In a worker thread: parsing a large file would otherwise take the server's thread from every other user.
    const result = await importInWorker(upload.file, {
      dryRun: !commit,
      skipInvalid,
      update,
      encoding,
      sheet,
      fileName: upload.name,
      mappingOverrides,
      preset,
      savedMapping: savedMapping || "auto",
      errorFilePath: upload.errorFile,
      previewRows: PREVIEW_ROWS,
      maxErrors: MAX_SHOWN_ERRORS,
      actor,
    }, progress?.report);
    // Committed: the supervisors' mails go out in the background, never in the way of this answer.
    if (result.committed) void dispatchSoon(getDb());
    return { ok: true, result };
  } catch (e) {
    if (e instanceof UnusableFile) return { ok: false, refused: e };
    throw e;
  } finally {
    progress?.finish();
  }
}

const shownChoices = (choices: ImportFormChoices): Choices => ({ encodingChoice: choices.encodingChoice, presetChoice: choices.preset });

/** What a refused post shows again: the file's token and choices, and what was read of it (columns, sheets). */
function retryOf(upload: Upload, choices: ImportFormChoices, read: Partial<ImportResult> | undefined, flash?: Message): Retry {
  const { columns, preset, sheet, sheets } = read ?? {};
  return { token: upload.token, columns, preset, sheet, sheets, flash, ...shownChoices(choices) };
}

/** The page's answer to a run: its result, or the refusal with the mapping of the columns that were read (200). */
function answer(outcome: Outcome, upload: Upload, choices: ImportFormChoices, commit: boolean, flash?: Message) {
  if (outcome.ok) {
    return { kind: commit ? "committed" : "checked", token: upload.token, name: upload.name, result: outcome.result, flash, ...shownChoices(choices) } satisfies Ran;
  }
  // A required column that was not recognised: the page offers the mapping so the user can point it out.
  return replyWithError<Retry>(outcome.refused, retryOf(upload, choices, outcome.refused.partial, flash), 200);
}

async function runImport(upload: Upload, choices: ImportFormChoices, commit: boolean, actor: Actor, progress?: ProgressReporter, flash?: Message) {
  return answer(await execute(upload, choices, commit, actor, progress), upload, choices, commit, flash);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "incidents.import");
  const actor = actorOf(user, context);
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await readMultipartForm(request, MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        return formError(413, { key: "importPage.tooLarge", params: { max: LIMIT_TEXT } });
      }
      // A body that is not a multipart form a browser would send (no boundary, cut off, malformed).
      return formError(400, { key: "error.badForm" });
    }
    const file = form.get("file");
    if (!(file instanceof File) || (file.size === 0 && file.name === "")) {
      return formError(400, { key: "importPage.noFile" });
    }
    // The page's progress bar follows the import under the id the form carried (docs/decisions/0020).
    return runImport(await keepUpload(file, user.id), readImportForm(form), false, actor, reporterFor(form.get("progressId"), actor.userId));
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
  const upload = uploadFor(String(form.get("token") ?? ""), user.id);
  if (!upload) return formError(410, { key: "importPage.expired" });
  const choices = readImportForm(form);
  const db = getDb();
  const progress = reporterFor(form.get("progressId"), actor.userId);
  switch (intent) {
    case "commit":
      return runImport(upload, choices, true, actor, progress);
    case "commitValid":
      // The way forward after invalid rows stopped a run: the valid rows, the others to the error file.
      return runImport(upload, { ...choices, skipInvalid: true }, true, actor, progress);
    case "applyMapping":
      // The saved mapping replaces the columns shown, whatever they were set to.
      if (!choices.savedMapping) return formError(400, { key: "importPage.savedMappingChoose" });
      return runImport(upload, { ...choices, mappingOverrides: undefined, preset: "auto" }, false, actor, progress);
    case "deleteMapping": {
      const saved = choices.savedMapping ? mappingByName(db, choices.savedMapping) : null;
      if (saved) deleteMapping(db, saved.id, actor);
      return runImport(upload, { ...choices, savedMapping: "none" }, false, actor, progress, { key: "importPage.mappingDeleted" });
    }
    case "saveMapping": {
      // Read the file with the mapping as it stands, then keep that mapping (every column, also those not shown).
      const outcome = await execute(upload, { ...choices, savedMapping: "none" }, false, actor, progress);
      const read = outcome.ok ? outcome.result : outcome.refused.partial;
      try {
        const columns = read?.columns ?? [];
        const saved = saveMapping(db, {
          name: choices.mappingName,
          headers: columns.map((c) => c.header),
          columns: Object.fromEntries(columns.map((c) => [c.header, c.field ?? ""])) as Record<string, IncidentField | "">,
          preset: read?.preset ?? null,
        }, actor);
        return answer(outcome, upload, choices, false, { key: "importPage.mappingSaved", params: { name: saved.name } });
      } catch (e) {
        return replyWithError<Retry>(e, retryOf(upload, choices, read));
      }
    }
    default:
      return runImport(upload, { ...choices, savedMapping: choices.mappingOverrides ? "none" : choices.savedMapping }, false, actor, progress);
  }
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
  const { batches, limit, mappings } = useLoaderData<typeof loader>();
  const { done: result, failed: problem } = useActionResult<typeof action, Partial<Retry>>();
  const { t, lang } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const checked = result && (result.kind === "checked" || result.kind === "committed") ? result : null;
  const r = checked?.result;
  const when = (iso: string) => displayDateTime(toTokyoDateTime(new Date(iso)));
  // Nothing was stored and the file is still at hand: the mapping and every way forward stay on the screen.
  const open = checked && r && (checked.kind === "checked" || !r.committed) ? checked : null;
  const flash = checked?.flash ?? problem?.values?.flash;

  return (
    <section className="import-page">
      <h1>{t("importPage.title")}</h1>
      <p className="lead">{t("importPage.intro")}</p>
      <p className="muted">
        {t("importPage.limit", { max: limit })}{" "}
        <CsvDownload href="/import/template.csv" label={t("importPage.template")} />
      </p>

      <Form method="post" encType="multipart/form-data" className="card upload-form" id="upload">
        <div className="field">
          <label htmlFor="file">{t("importPage.file")}</label>
          <input id="file" name="file" type="file" accept=".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
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

      {flash ? (
        <p className="flash" role="status">
          {t(flash.key, flash.params)}
        </p>
      ) : null}
      {problem ? (
        <div className="error-summary" role="alert">
          <p>{problem.summary}</p>
          {problem.values?.columns ? null : <p>{t("importPage.unusableHint")}</p>}
        </div>
      ) : null}
      {problem?.values?.token && (problem.values.columns || (problem.values.sheets?.length ?? 0) > 1) ? (
        <MappingForm
          token={problem.values.token}
          encodingChoice={problem.values.encodingChoice ?? "auto"}
          presetChoice={problem.values.presetChoice ?? "auto"}
          columns={problem.values.columns ?? []}
          sheet={problem.values.sheet}
          sheets={problem.values.sheets}
          mappings={mappings}
          canCommit={false}
          busy={busy}
        />
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
            {r.sheet !== undefined ? (
              <p>
                {t("importPage.detectedWorkbook", { sheet: r.sheet })}
                {(r.sheets?.length ?? 0) > 1 ? <> ({t("importPage.workbookSheets", { sheets: r.sheets!.join(t("common.listSeparator")) })})</> : null}
              </p>
            ) : (
              <p>{t("importPage.detected", { encoding: r.encoding, delimiter: r.delimiter === "\t" ? t("importPage.tab") : t("importPage.comma") })}</p>
            )}
            {r.savedMapping ? <p>{t("importPage.mappingApplied", { name: r.savedMapping })}</p> : null}
            {r.preset ? <p>{r.preset === "own" ? t("importPage.presetUsedOwn") : t("importPage.presetUsed", { name: t(`importPage.preset.${r.preset}`) })}</p> : null}
            <p className="counts">
              <strong>{countsLine(r, t)}</strong>
            </p>
            {r.closedDateUnknown > 0 && !r.committed ? <p>{t("importPage.closedDateUnknown", { n: r.closedDateUnknown })}</p> : null}
            <NewDepartments found={r.newDepartments} committed={r.committed} />
            {r.importedBefore ? <p className="warning">{t("importPage.importedBefore", { at: when(r.importedBefore.at) })}</p> : null}
          </div>

          {open && r.invalid > 0 ? <WaysForward result={r} token={open.token} busy={busy} /> : null}

          {open ? (
            <MappingForm
              token={open.token}
              encodingChoice={open.encodingChoice}
              presetChoice={open.presetChoice}
              columns={r.columns}
              sheet={r.sheet}
              sheets={r.sheets}
              unknown={r.warnings.unknownColumns}
              mappings={mappings}
              canCommit
              busy={busy}
            />
          ) : null}

          {r.errors.length > 0 ? (
            <div className="card">
              <h2>{t("importPage.errors", { n: r.invalid })}</h2>
              {/* While nothing is stored, the download is one of the ways forward above. */}
              {r.errorFile && !(open && r.invalid > 0) ? (
                <p>
                  <CsvDownload href={`/import/errors/${checked.token}`} label={t("importPage.errorFile")} />
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
                        <td>
                          {labelOf("status", p.status, lang)}
                          {p.closed_date_unknown ? <span className="closed-unknown">{t("common.closedDateUnknown")}</span> : null}
                        </td>
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
              labels={[t("importPage.when"), t("importPage.fileName"), t("importPage.result"), t("importPage.stored"), t("importPage.by"), t("importPage.actions")]}
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

/**
 * Every way forward after invalid rows stopped a check or a run, on the same screen: import the valid rows (the
 * button submits the mapping form below, so a corrected mapping is kept), download the rows with errors, fix the
 * mapping, or choose another file.
 */
/**
 * The department names the master does not have (docs/decisions/0025): listed before anything is stored, so that a
 * misspelt department is seen before it becomes one; after storing, what was added.
 */
function NewDepartments({ found, committed }: { found: ImportResult["newDepartments"]; committed: boolean }) {
  const { t } = useT();
  if (found.count === 0) return null;
  const more = found.count - found.names.length;
  const names = [...found.names, ...(more > 0 ? [t("importPage.newDepartmentsMore", { n: more })] : [])].join(t("common.listSeparator"));
  if (committed) return <p className="new-departments">{t("importPage.newDepartmentsAdded", { n: found.count, names })}</p>;
  return (
    <div className="notice new-departments">
      <p>{t("importPage.newDepartments", { n: found.count, names })}</p>
      <p className="hint">{t("importPage.newDepartmentsHint")}</p>
    </div>
  );
}

function WaysForward({ result: r, token, busy }: { result: ImportResult; token: string; busy: boolean }) {
  const { t } = useT();
  return (
    <div className="card ways-forward" aria-labelledby="ways-forward-title">
      <h2 id="ways-forward-title">{t("importPage.waysForward")}</h2>
      <ul className="ways">
        {r.valid.rows > 0 ? (
          <li>
            <button type="submit" form="mapping-form" name="intent" value="commitValid" className="primary" disabled={busy}>
              {t("importPage.importValid", { n: r.valid.rows })}
            </button>
            <span className="hint"> {t("importPage.importValidHint")}</span>
          </li>
        ) : (
          <li className="warning">{t("importPage.noValidRows", { rows: r.rows })}</li>
        )}
        {r.errorFile ? (
          <li>
            <CsvDownload href={`/import/errors/${token}`} label={t("importPage.errorFile")} />
          </li>
        ) : null}
        <li>
          <a href="#mapping">{t("importPage.fixMapping")}</a>
        </li>
        <li>
          <a href="#file">{t("importPage.otherFile")}</a>
        </li>
      </ul>
    </div>
  );
}

/** The header → field table (correctable), the file format, saved mappings, re-check, and the commit options. */
function MappingForm(props: {
  token: string;
  encodingChoice: string;
  presetChoice: string;
  columns: ImportResult["columns"];
  /** Headers that matched nothing (a column a preset leaves out on purpose is not among them); all unmapped ones when not given. */
  unknown?: string[];
  /** A workbook: the sheet read and the sheets there are (a select when more than one; the commit reads the same sheet). */
  sheet?: string;
  sheets?: string[];
  mappings: string[];
  canCommit: boolean;
  busy: boolean;
}) {
  const { t } = useT();
  const { token, encodingChoice, presetChoice, columns, unknown, sheet, sheets, mappings, canCommit, busy } = props;
  const unmatched = (c: ImportResult["columns"][number]) => !c.field && (unknown ? unknown.includes(c.header) : true);
  return (
    <Form method="post" className="card mapping-form" id="mapping-form">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="encoding" value={encodingChoice} />
      <ProgressIdField />
      <h2 id="mapping">{t("importPage.mapping")}</h2>
      <div className="mapping-choices">
        {sheets && sheets.length > 1 ? (
          <div className="field">
            <label htmlFor="sheet">{t("importPage.sheet")}</label>
            <select id="sheet" name="sheet" defaultValue={sheet ?? sheets[0]} key={sheet}>
              {sheets.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        ) : sheet !== undefined ? (
          <input type="hidden" name="sheet" value={sheet} />
        ) : null}
        <div className="field">
          <label htmlFor="preset">{t("importPage.preset")}</label>
          <select id="preset" name="preset" defaultValue={presetChoice}>
            <option value="auto">{t("importPage.presetAuto")}</option>
            {PRESET_IDS.map((p) => (
              <option key={p} value={p}>
                {t(`importPage.preset.${p}`)}
              </option>
            ))}
            <option value="none">{t("importPage.presetNone")}</option>
          </select>
        </div>
        {mappings.length > 0 ? (
          <div className="field">
            <label htmlFor="savedMapping">{t("importPage.savedMappings")}</label>
            <select id="savedMapping" name="savedMapping" defaultValue="">
              <option value="">{t("importPage.savedMappingChoose")}</option>
              {mappings.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <div className="form-actions">
              <button type="submit" name="intent" value="applyMapping" disabled={busy}>
                {t("importPage.applyMapping")}
              </button>
              <button
                type="submit"
                name="intent"
                value="deleteMapping"
                className="danger small"
                disabled={busy}
                onClick={(e) => {
                  if (!window.confirm(t("importPage.deleteMappingConfirm"))) e.preventDefault();
                }}
              >
                {t("importPage.deleteMapping")}
              </button>
            </div>
          </div>
        ) : null}
      </div>
      <p className="hint">{t("importPage.mappingHint")}</p>
      {columns.length > MAX_MAPPED_COLUMNS ? (
        <p className="hint">{t("importPage.columnsTruncated", { shown: MAX_MAPPED_COLUMNS, n: columns.length })}</p>
      ) : null}
      <div className="table-wrap">
        <table className="grid-table mapping">
          <TableHead labels={[t("importPage.header"), t("importPage.field")]} />
          <tbody>
            {columns.slice(0, MAX_MAPPED_COLUMNS).map((c, i) => (
              <tr key={`${i}-${c.header}`} className={unmatched(c) ? "unmatched" : ""}>
                <td>
                  {c.header} {unmatched(c) ? <span className="status status-open">{t("importPage.unmatched")}</span> : null}
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
      </div>
      <div className="form-actions">
        <button type="submit" name="intent" value="recheck" disabled={busy}>
          {t("importPage.recheck")}
        </button>
      </div>
      <div className="field save-mapping">
        <label htmlFor="mappingName">{t("importPage.mappingName")}</label>
        <div className="inline">
          <input id="mappingName" name="mappingName" type="text" maxLength={MAPPING_NAME_MAX} aria-describedby="mappingName-hint" />
          <button type="submit" name="intent" value="saveMapping" disabled={busy}>
            {t("importPage.saveMapping")}
          </button>
        </div>
        <p className="hint" id="mappingName-hint">
          {t("importPage.mappingNameHint")}
        </p>
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
