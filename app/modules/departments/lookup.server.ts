/**
 * The department master as the rest of the app reads it (issue 18): which departments a form offers, which filters
 * list, and which row a typed name stands for. A name merged away stands for the department it was merged into; a
 * retired department is kept for history and filters but not offered for new entries (docs/decisions/0025).
 * The admin page's changes are in admin.server.ts.
 */
import { asc, eq, isNull } from "drizzle-orm";
import type { Conn } from "../../../db/client.server";
import { departments } from "../../../db/schema";
import type { Message } from "~/i18n";
import { normalizeName } from "../incidents/normalize";

/** A department as a filter or an entry form lists it. */
export interface DepartmentChoice {
  id: number;
  name: string;
  retired: boolean;
}

/**
 * Every department not merged away, by name, retired ones marked: the filters and charts list these (a retired
 * department's incidents are still there to find). Merged rows have no incidents left to filter on.
 */
export function listDepartments(db: Conn): DepartmentChoice[] {
  return db
    .select({ id: departments.id, name: departments.name, retiredAt: departments.retiredAt })
    .from(departments)
    .where(isNull(departments.mergedIntoId))
    .orderBy(asc(departments.name))
    .all()
    .map((d) => ({ id: d.id, name: d.name, retired: d.retiredAt !== null }));
}

/**
 * What an entry form (incident, user) offers: the active departments, and the record's own department when it is
 * retired (so that saving another field does not force a change of department). By name: the forms post the name.
 */
export function departmentOptions(db: Conn, currentId: number | null = null): DepartmentChoice[] {
  return listDepartments(db).filter((d) => !d.retired || d.id === currentId);
}

interface Row {
  id: number;
  name: string;
  retiredAt: string | null;
  mergedIntoId: number | null;
}

const rowColumns = { id: departments.id, name: departments.name, retiredAt: departments.retiredAt, mergedIntoId: departments.mergedIntoId };

/**
 * The department a normalised name stands for: its own row, or the row it was merged into (merges are kept one step
 * deep, admin.server.ts; the loop only guards against a chain a hand edit made). Null when no department has it.
 */
export function departmentByKey(db: Conn, key: string): Row | null {
  let row = db.select(rowColumns).from(departments).where(eq(departments.normalizedName, key)).get() ?? null;
  for (let hops = 0; row?.mergedIntoId != null && hops < 10; hops++) {
    row = db.select(rowColumns).from(departments).where(eq(departments.id, row.mergedIntoId)).get() ?? null;
  }
  return row;
}

/** The department a name as typed stands for (normalised, merges followed), or null. */
export function departmentByName(db: Conn, name: string): Row | null {
  return departmentByKey(db, normalizeName(name));
}

/**
 * How a writer treats a department name: `listed` (the web forms) takes only an active department (or the record's
 * own, `keep`, even if retired) and refuses anything else; `create` (imports, the demo data, the command line) also
 * takes a retired one and adds a name met for the first time.
 */
export type DepartmentEntry = "create" | "listed";

export type EntryLookup = { ok: true; id: number; name: string } | { ok: false; error: Message } | { ok: "new" };

/**
 * What an entry of a (normalised) name gives: the department's id and its name as the master spells it, a refusal (not
 * in the list, retired) or, for `create`, "new".
 */
export function lookupForEntry(db: Conn, key: string, entry: DepartmentEntry, keep: number | null): EntryLookup {
  const row = departmentByKey(db, key);
  if (row === null) return entry === "create" ? { ok: "new" } : { ok: false, error: { key: "error.departmentNotListed" } };
  if (entry === "listed" && row.retiredAt !== null && row.id !== keep) return { ok: false, error: { key: "error.departmentRetired", params: { name: row.name } } };
  return { ok: true, id: row.id, name: row.name };
}

/** Spellings remembered by DepartmentSpelling; past this the memory is cleared (a lookup is one indexed read). */
const SPELLING_MEMORY = 50_000;

/**
 * Department names as a file writes them → as the master spells them: a name typed in another width or case is the
 * master's department, a name merged away is its merge target, and a name the master does not have stays as written
 * (the import adds it, docs/decisions/0025). So an old ledger's 東京本点, merged into 東京本店, is stored, compared and
 * fingerprinted as 東京本店.
 */
export class DepartmentSpelling {
  private readonly seen = new Map<string, string>();

  constructor(private readonly db: Conn) {}

  of(name: string | null): string | null {
    if (!name) return name;
    let spelled = this.seen.get(name);
    if (spelled === undefined) {
      if (this.seen.size >= SPELLING_MEMORY) this.seen.clear();
      spelled = departmentByName(this.db, name)?.name ?? name;
      this.seen.set(name, spelled);
    }
    return spelled;
  }
}
