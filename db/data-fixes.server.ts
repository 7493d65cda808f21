/**
 * Changes to stored data that SQL alone cannot make, such as keys computed by the app's own code. Each fix runs once,
 * in its own write transaction, when a database is opened after the migrations, and is recorded in `data_fixes`. A
 * database that has them all is only read (one small query), so opening it never waits for another writer.
 */
import type Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { lookupFolding } from "unicode-case-folding";
import { fingerprintOf } from "../app/modules/incidents/mutations.server";
import { normalizeName } from "../app/modules/incidents/normalize";

interface DataFix {
  name: string;
  apply(sqlite: Database.Database): void;
}

/** The characters whose full case folding is not what toLowerCase gives (ß, ς, ẞ, ŉ, ﬀ …): the only ones a fix must look at. */
function foldingDiffersPattern(): RegExp {
  const chars: string[] = [];
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates are not characters
    const ch = String.fromCodePoint(cp);
    const folded = lookupFolding(cp);
    if ((folded ? String.fromCodePoint(...folded) : ch) !== ch.toLowerCase()) chars.push(ch);
  }
  const escaped = chars.map((c) => c.replace(/[\\\]^-]/g, "\\$&")).join("");
  return new RegExp(`[${escaped}]`, "u");
}

/**
 * Names keyed by full Unicode case folding instead of toLowerCase (issue 17): "Straße" and "STRASSE" are one client.
 * Clients and departments whose names now share a key are merged into the oldest (its incidents and users follow);
 * every key is rewritten; incidents whose duplicate key (fingerprint) used such a name, or such a summary, get it again.
 */
function foldNames(sqlite: Database.Database): void {
  const special = foldingDiffersPattern();
  for (const table of ["departments", "clients"] as const) {
    const rows = sqlite.prepare(`select id, name, normalized_name as key from ${table} order by id`).all() as { id: number; name: string; key: string }[];
    const keep = new Map<string, number>();
    const renamed: { id: number; key: string }[] = [];
    for (const r of rows) {
      const key = normalizeName(r.name);
      const first = keep.get(key);
      if (first === undefined) {
        keep.set(key, r.id);
        if (key !== r.key) renamed.push({ id: r.id, key });
        continue;
      }
      // The same name for the app now: the incidents (and, for a department, its users) move to the first row.
      const column = table === "departments" ? "department_id" : "client_id";
      sqlite.prepare(`update incidents set ${column} = ? where ${column} = ?`).run(first, r.id);
      if (table === "departments") sqlite.prepare("update users set department_id = ? where department_id = ?").run(first, r.id);
      sqlite.prepare(`delete from ${table} where id = ?`).run(r.id);
    }
    // In two steps, so that no new key meets an old one that has not moved yet (the keys are unique).
    const update = sqlite.prepare(`update ${table} set normalized_name = ? where id = ?`);
    for (const r of renamed) update.run(`\u0000${r.id}`, r.id);
    for (const r of renamed) update.run(r.key, r.id);
  }

  const incidents = sqlite.prepare(
    `select i.id, i.occurred_at, i.channel, i.summary, i.fingerprint, c.name as client, d.name as department
       from incidents i left join clients c on c.id = i.client_id left join departments d on d.id = i.department_id`,
  );
  const setFingerprint = sqlite.prepare("update incidents set fingerprint = ? where id = ?");
  const changed: [string, number][] = [];
  for (const i of incidents.iterate() as Iterable<{ id: number; occurred_at: string; channel: string | null; summary: string | null; fingerprint: string; client: string | null; department: string | null }>) {
    if (!special.test(`${i.client ?? ""}${i.department ?? ""}${i.summary ?? ""}`)) continue;
    const fingerprint = fingerprintOf({ occurred_at: i.occurred_at, client: i.client, department: i.department, channel: i.channel as never, summary: i.summary });
    if (fingerprint !== i.fingerprint) changed.push([fingerprint, i.id]);
  }
  for (const [fingerprint, id] of changed) setFingerprint.run(fingerprint, id);
}

/** The secret of executive disclosure control: random, per installation, kept by backups (migration 0016). */
function disclosureKey(sqlite: Database.Database): void {
  sqlite.prepare("update settings set disclosure_key = ? where disclosure_key is null").run(randomBytes(32).toString("base64url"));
}

export const DATA_FIXES: readonly DataFix[] = [
  { name: "0015-names-unicode-case-folding", apply: foldNames },
  { name: "0016-disclosure-key", apply: disclosureKey },
];

/** Applies the fixes this database has not had yet, each in one transaction with its record. */
export function applyDataFixes(sqlite: Database.Database, fixes: readonly DataFix[] = DATA_FIXES): string[] {
  const done = new Set((sqlite.prepare("select name from data_fixes").pluck().all() as string[]));
  const pending = fixes.filter((f) => !done.has(f.name));
  for (const fix of pending) {
    sqlite.transaction(() => {
      fix.apply(sqlite);
      sqlite.prepare("insert into data_fixes (name) values (?)").run(fix.name);
    }).immediate();
  }
  return pending.map((f) => f.name);
}
