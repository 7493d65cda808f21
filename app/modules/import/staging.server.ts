/**
 * The staging file of an import (docs/decisions/0017): the valid rows of a file, de-duplicated, in a throw-away SQLite
 * file attached to the importer's connection as `staging`. Writing it takes no lock on the database, so a whole file
 * is read, checked and de-duplicated while every other user keeps writing; the merge (merge.server.ts) then copies it
 * into the incidents in one short transaction.
 *
 * The de-duplication stage (`decide`) is the importer's rule (docs/spec/csv-import.md "Duplicates"): a row with a ref
 * is a duplicate of the incident with that ref (with `--update` it replaces it when something differs; a ref repeated
 * in the file replaces again, the last row wins); a row without a ref is a duplicate of an incident without a ref with
 * the same fingerprint. It looks in the database and in the rows staged before it, so duplicates within the file cost
 * no memory, whatever its size.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "../../../db/client.server";
import { incidents } from "../../../db/schema";
import { bit, columnValues, diffFields, VALUE_COLUMNS } from "../incidents/mutations.server";
import { normalizeName } from "../incidents/normalize";
import { getIncident, toInput } from "../incidents/queries.server";
import type { IncidentInput } from "../incidents/schema";
import { MULTI_FIELDS } from "../incidents/taxonomy";

/** What a valid row does: a new incident, a replacement of a stored one (`--update`), or nothing (a duplicate). */
export type Decision = { kind: "insert" } | { kind: "update"; target: number } | { kind: "replaceStaged"; seq: number } | { kind: "duplicate" };

/** `staging.rows.action`. Dropped: found to be a duplicate at the merge (another writer stored the same incident meanwhile). */
export const Action = { Insert: 0, Update: 1, Dropped: 2 } as const;

/** The staged columns that are the incident's own, by their column name in `incidents` (the merge copies them). */
export const STAGED_VALUE_COLUMNS = VALUE_COLUMNS.map((k) => incidents[k].name);

/** The staging file's page cache: its indexes (ref, fingerprint) are looked up for every row. */
const STAGING_CACHE_KIB = 16 * 1024;
/** Rows staged per transaction of the staging file: its writes are cheap, but a transaction per row is not. */
const ROWS_PER_TRANSACTION = 5_000;
/** Names remembered as already noted; past this the memory is cleared (the staging table ignores repeats anyway). */
const NAME_MEMORY = 50_000;

const SCHEMA = `
  create table staging.rows (
    seq integer primary key,
    action integer not null,
    target integer,
    ${STAGED_VALUE_COLUMNS.map((c) => `${c} any`).join(", ")},
    department text, department_key text, client text, client_key text,
    codes text not null
  );
  create index staging.rows_ref on rows (ref) where ref is not null;
  create index staging.rows_fingerprint on rows (fingerprint) where ref is null;
  create table staging.names (kind text not null, key text not null, name text not null, extra any, primary key (kind, key)) without rowid;
`;

/** The coded lists of an incident as one JSON array of `field:code` (the merge splits it with json_each). */
function codesOf(input: IncidentInput): string {
  const all: string[] = [];
  for (const field of MULTI_FIELDS) for (const code of input[field]) all.push(`${field}:${code}`);
  return JSON.stringify(all);
}

type Row = Record<string, unknown>;

/** A staged row back as the incident it holds. */
function inputOf(row: Row): IncidentInput {
  const lists: Record<string, string[]> = { behaviours: [], legal_flags: [], responses: [], care: [] };
  for (const entry of JSON.parse(row.codes as string) as string[]) {
    const at = entry.indexOf(":");
    lists[entry.slice(0, at)].push(entry.slice(at + 1));
  }
  const bool = (v: unknown) => (v === null ? null : v === 1);
  return {
    ref: row.ref as string | null, occurred_at: row.occurred_at as string, reported_at: row.reported_at as string | null,
    department: row.department as string | null, in_tokyo: bool(row.in_tokyo), channel: row.channel as string,
    client: row.client as string | null, counterparty_type: row.counterparty_type as string | null,
    customer_identified: bool(row.customer_identified), validity: row.validity as string | null,
    behaviours: lists.behaviours, legal_flags: lists.legal_flags, severity: row.severity as number | null,
    duration_min: row.duration_min as number | null, contact_count: row.contact_count as number | null,
    responders: row.responders as number | null, recorded: bool(row.recorded), summary: row.summary as string | null,
    verbatim: row.verbatim as string | null, determination: row.determination as string | null,
    responses: lists.responses, care: lists.care, outcome: row.outcome as string | null,
    status: row.status as IncidentInput["status"], closed_at: row.closed_at as string | null,
    ...(row.closed_date_unknown === 1 ? { closed_date_unknown: true as const } : {}),
    report_submitted_at: row.report_submitted_at as string | null, prevention: row.prevention as string | null,
  };
}

export class Staging {
  readonly dir: string;
  /** The incidents' change mark when staging began (see `incidentsMark`): the merge re-checks only if it moved. */
  readonly mark: number;
  private readonly sqlite: Db["$client"];
  private readonly insertRow;
  private readonly replaceRow;
  private readonly stagedByRef;
  private readonly stagedByFingerprint;
  private readonly storedByRef;
  private readonly storedByFingerprint;
  private readonly rowBySeq;
  private readonly insertName;
  /** Department and client names as written → their keys, for the names already noted. */
  private readonly departmentKeys = new Map<string, string>();
  private readonly clientKeys = new Map<string, string>();
  private inTransaction = false;
  private sinceCommit = 0;
  private closed = false;
  /** How many rows are staged (insert or update). */
  staged = 0;

  constructor(private readonly db: Db) {
    this.sqlite = db.$client;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), STAGING_PREFIX));
    removeAbandoned(fs.statSync(this.dir).mtimeMs);
    this.sqlite.prepare("attach database ? as staging").run(path.join(this.dir, "staging.db"));
    try {
      // A throw-away file: no journal, no syncing; a crash loses it and nothing else.
      this.sqlite.pragma("staging.journal_mode = OFF");
      this.sqlite.pragma("staging.synchronous = OFF");
      this.sqlite.pragma(`staging.cache_size = -${STAGING_CACHE_KIB}`);
      this.sqlite.exec(SCHEMA);
      const columns = ["seq", "action", "target", ...STAGED_VALUE_COLUMNS, "department", "department_key", "client", "client_key", "codes"];
      this.insertRow = this.sqlite.prepare(`insert into staging.rows (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`);
      const replaced = columns.slice(3);
      this.replaceRow = this.sqlite.prepare(`update staging.rows set ${replaced.map((c) => `${c} = ?`).join(", ")} where seq = ?`);
      this.stagedByRef = this.sqlite.prepare("select seq from staging.rows where ref = ?").pluck();
      this.stagedByFingerprint = this.sqlite.prepare("select 1 from staging.rows where fingerprint = ? and ref is null").pluck();
      this.storedByRef = this.sqlite.prepare("select id from main.incidents where ref = ?").pluck();
      // Named: without statistics SQLite would take `ref is null` to the ref index and walk every incident without one.
      this.storedByFingerprint = this.sqlite
        .prepare("select 1 from main.incidents indexed by incidents_fingerprint_idx where fingerprint = ? and ref is null")
        .pluck();
      this.rowBySeq = this.sqlite.prepare("select * from staging.rows where seq = ?");
      this.insertName = this.sqlite.prepare("insert or ignore into staging.names (kind, key, name, extra) values (?, ?, ?, ?)");
      this.mark = incidentsMark(db);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The de-duplication stage: what this valid row does, given the database and the rows staged before it. */
  decide(input: IncidentInput, fingerprint: string, update: boolean): Decision {
    if (input.ref) {
      const seq = this.stagedByRef.get(input.ref) as number | undefined;
      if (seq !== undefined) {
        if (!update || diffFields(this.stagedInput(seq), input).length === 0) return { kind: "duplicate" };
        return { kind: "replaceStaged", seq };
      }
      const id = this.storedByRef.get(input.ref) as number | undefined;
      if (id === undefined) return { kind: "insert" };
      if (!update || diffFields(toInput(getIncident(this.db, id)!), input).length === 0) return { kind: "duplicate" };
      return { kind: "update", target: id };
    }
    if (this.storedByFingerprint.get(fingerprint) || this.stagedByFingerprint.get(fingerprint)) return { kind: "duplicate" };
    return { kind: "insert" };
  }

  /** The staged incident of a row (a ref repeated in the file is compared with it). */
  stagedInput(seq: number): IncidentInput {
    return inputOf(this.rowBySeq.get(seq) as Row);
  }

  /**
   * Writes a row as `decide` said (a duplicate is not written). `seq` orders the new incidents' ids; `fingerprint` is
   * the input's, when the caller has it already.
   */
  write(seq: number, input: IncidentInput, decision: Decision, fingerprint?: string): void {
    if (decision.kind === "duplicate") return;
    this.begin();
    // One array of parameters per row (a million rows make every allocation count).
    const replacing = decision.kind === "replaceStaged";
    const params: unknown[] = replacing ? [] : [seq, decision.kind === "insert" ? Action.Insert : Action.Update, decision.kind === "update" ? decision.target : null];
    const values = columnValues(input, fingerprint);
    for (const k of VALUE_COLUMNS) {
      const v = values[k];
      params.push(typeof v === "boolean" ? bit(v) : v);
    }
    params.push(
      input.department, this.name("d", input.department, bit(input.in_tokyo)),
      input.client, this.name("c", input.client, input.counterparty_type),
      codesOf(input),
    );
    if (replacing) {
      params.push(decision.seq);
      this.replaceRow.run(params);
    } else {
      this.insertRow.run(params);
      this.staged++;
    }
    if (++this.sinceCommit >= ROWS_PER_TRANSACTION) this.commit();
  }

  /**
   * The department names of the staged rows that the department master does not have: the merge adds them (the first
   * spelling met of each), so the import page and the command line list them before anything is stored
   * (docs/decisions/0025). At most `limit` names, by spelling, and how many there are.
   */
  newDepartments(limit: number): { names: string[]; count: number } {
    const missing = "from staging.names n where n.kind = 'd' and not exists (select 1 from main.departments d where d.normalized_name = n.key)";
    const count = this.sqlite.prepare(`select count(*) ${missing}`).pluck().get() as number;
    const names = count === 0 ? [] : (this.sqlite.prepare(`select n.name ${missing} order by n.name limit ?`).pluck().all(limit) as string[]);
    return { names, count };
  }

  /** The key of a department or client name, noted (with its first spelling) for the merge to create. */
  private name(kind: "d" | "c", name: string | null, extra: unknown): string | null {
    if (!name) return null;
    const known = kind === "d" ? this.departmentKeys : this.clientKeys;
    let key = known.get(name);
    if (key === undefined) {
      if (known.size >= NAME_MEMORY) known.clear();
      key = normalizeName(name);
      known.set(name, key);
      // The first spelling met is the one stored, as the writer does (IncidentWriter.idFor); repeats are ignored.
      this.insertName.run(kind, key, name.trim(), extra);
    }
    return key;
  }

  private begin(): void {
    if (this.inTransaction) return;
    this.sqlite.exec("begin");
    this.inTransaction = true;
  }

  /** Ends the staging file's current transaction (it also ends the read of the database that came with it). */
  commit(): void {
    if (this.inTransaction && this.sqlite.inTransaction) this.sqlite.exec("commit");
    this.inTransaction = false;
    this.sinceCommit = 0;
  }

  /**
   * Every row is staged: the page cache of the lookups goes back to the system before the merge needs its own (the
   * merge reads the staging file once, in order, and needs no cache for it).
   */
  finish(): void {
    this.commit();
    this.sqlite.pragma("staging.cache_size = -2048");
    this.sqlite.pragma("shrink_memory");
  }

  /** Detaches and deletes the staging file; safe to call again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.inTransaction && this.sqlite.inTransaction) this.sqlite.exec("rollback");
      this.inTransaction = false;
      if (this.sqlite.open) {
        const attached = (this.sqlite.pragma("database_list") as { name: string }[]).some((d) => d.name === "staging");
        if (attached) this.sqlite.exec("detach database staging");
      }
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

const STAGING_PREFIX = "kasuhara-import-";
/** A staging folder this much older than a new one belongs to no running import: its process was killed. */
const ABANDONED_MS = 24 * 3_600_000;

/**
 * Deletes the staging folders that imports killed before they could clean up (kill -9, a power cut) left in the temp
 * folder. Their age is measured against the folder just created (`now`, its time as the file system tells it), not
 * against the process's clock.
 */
function removeAbandoned(now: number): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      if (now - fs.statSync(dir).mtimeMs > ABANDONED_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to delete: nothing to do.
    }
  }
}

/**
 * A number that moves whenever an incident is added, changed or deleted: the sum of the month generations the
 * incidents' triggers keep (migration 0005). Comparing it is how the merge knows that the de-duplication it was handed
 * still holds.
 */
export function incidentsMark(db: Db): number {
  return db.$client.prepare("select coalesce(sum(generation), 0) from main.analytics_months").pluck().get() as number;
}
