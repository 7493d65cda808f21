/**
 * Named views of the incident list (issue 19): a user saves the list's current filters and sort under a name, and
 * opens, renames or deletes them later. A user's own only: every read and write is bound to the owner's id, so the id
 * of another user's view reaches nothing (answered as "not found", never as "not yours", which would tell it exists).
 */
import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client.server";
import { savedViews } from "../../../db/schema";
import { AppError } from "../errors";
import { listQueryToSearch, parseListQuery } from "../incidents/filters";
import { normalizeName } from "../incidents/normalize";
import { decodeMessage, msg, plainText } from "../validation";

export const VIEW_NAME_MAX = 40;
/** Views a user keeps at most: the list page shows them all. */
export const VIEWS_PER_USER = 30;

export interface SavedViewRow {
  id: number;
  name: string;
  /** The list's query string (`?period=FY2025&status=open`), or "" for the list without filters. */
  search: string;
}

const nameSchema = plainText()
  .transform((s) => s.replace(/\s+/gu, " ").trim())
  .pipe(
    z
      .string()
      .min(1, { message: msg("list.views.errors.nameRequired") })
      .max(VIEW_NAME_MAX, { message: msg("list.views.errors.nameTooLong", { max: VIEW_NAME_MAX }) }),
  );

function checkedName(name: string): string {
  const r = nameSchema.safeParse(name);
  if (r.success) return r.data;
  const m = decodeMessage(r.error.issues[0].message);
  throw new AppError(422, m.key, { params: m.params, fieldErrors: { name: m }, logMessage: "saved view name refused" });
}

/**
 * The list query a view keeps, in the list's own URL form: filters and sort read as the list reads them (anything it
 * would drop is dropped), without the page.
 */
export function viewSearchOf(search: string, fiscalStartMonth = 4): string {
  const q = parseListQuery(new URLSearchParams(search), fiscalStartMonth);
  return listQueryToSearch({ filters: q.filters, sort: q.sort });
}

export function listSavedViews(db: Db, userId: number): SavedViewRow[] {
  return db
    .select({ id: savedViews.id, name: savedViews.name, search: savedViews.search })
    .from(savedViews)
    .where(eq(savedViews.userId, userId))
    .orderBy(asc(savedViews.normalizedName), asc(savedViews.id))
    .all();
}

function nameTaken(db: Db, userId: number, normalized: string, exceptId?: number): boolean {
  const other = db
    .select({ id: savedViews.id })
    .from(savedViews)
    .where(and(eq(savedViews.userId, userId), eq(savedViews.normalizedName, normalized)))
    .get();
  return other !== undefined && other.id !== exceptId;
}

const duplicate = () =>
  new AppError(409, "list.views.errors.duplicate", { fieldErrors: { name: { key: "list.views.errors.duplicate" } }, logMessage: "saved view name taken" });

/** Saves the filters (`search`, the list's query) under a new name; returns its id. */
export function saveView(db: Db, userId: number, input: { name: string; search: string }, fiscalStartMonth = 4): number {
  const name = checkedName(input.name);
  const normalized = normalizeName(name);
  const search = viewSearchOf(input.search, fiscalStartMonth);
  return db.transaction(() => {
    if (nameTaken(db, userId, normalized)) throw duplicate();
    const n = db.select({ n: count() }).from(savedViews).where(eq(savedViews.userId, userId)).get()!.n;
    if (n >= VIEWS_PER_USER) {
      throw new AppError(422, "list.views.errors.tooMany", { params: { max: VIEWS_PER_USER }, logMessage: "too many saved views" });
    }
    return db.insert(savedViews).values({ userId, name, normalizedName: normalized, search }).returning({ id: savedViews.id }).get().id;
  });
}

const notFound = () => new AppError(404, "list.views.errors.notFound", { logMessage: "saved view not found for this user" });

/** Renames one of the user's views. */
export function renameView(db: Db, userId: number, id: number, newName: string): void {
  const name = checkedName(newName);
  const normalized = normalizeName(name);
  db.transaction(() => {
    if (nameTaken(db, userId, normalized, id)) throw duplicate();
    const done = db
      .update(savedViews)
      .set({ name, normalizedName: normalized, updatedAt: new Date().toISOString() })
      .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
      .run();
    if (done.changes === 0) throw notFound();
  });
}

/** Deletes one of the user's views. */
export function deleteView(db: Db, userId: number, id: number): void {
  const done = db.delete(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.userId, userId))).run();
  if (done.changes === 0) throw notFound();
}

const idSchema = z.coerce.number().int().positive();

/** The list page's view form: `intent` save | rename | delete, with `name`, `search` and `id` as each needs. */
export function viewAction(db: Db, userId: number, form: FormData, fiscalStartMonth = 4): { done: "saved" | "renamed" | "deleted" } {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  const id = () => {
    const r = idSchema.safeParse(text("id"));
    if (!r.success) throw notFound();
    return r.data;
  };
  switch (text("intent")) {
    case "saveView":
      saveView(db, userId, { name: text("name"), search: text("search") }, fiscalStartMonth);
      return { done: "saved" };
    case "renameView":
      renameView(db, userId, id(), text("name"));
      return { done: "renamed" };
    case "deleteView":
      deleteView(db, userId, id());
      return { done: "deleted" };
    default:
      throw new AppError(400, "list.views.errors.unknownIntent", { logMessage: "unknown saved view intent" });
  }
}
