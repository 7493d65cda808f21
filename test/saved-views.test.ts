/**
 * Saved views of the incident list (issue 19): per user only, names checked, the list query kept as the list reads it.
 * The attack: one user posting another user's view id to rename or delete it reaches nothing.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client.server";
import { createUser } from "~/modules/auth/users.server";
import { createSession } from "~/modules/auth/session.server";
import { deleteView, listSavedViews, renameView, saveView, viewSearchOf, VIEWS_PER_USER } from "~/modules/saved-views/saved-views.server";
import { memoryDb } from "./helpers";

const shared = vi.hoisted(() => ({ db: null as unknown }));
vi.mock("~/modules/db.server", async (original) => ({ ...(await original<object>()), getDb: () => shared.db }));
const { action } = await import("~/routes/_app.incidents._index");

describe("saved views", () => {
  let db: Db;
  const users: Record<"alice" | "bob", { id: number; cookie: string }> = {} as never;

  beforeAll(async () => {
    db = memoryDb();
    shared.db = db;
    for (const name of ["alice", "bob"] as const) {
      const { id } = await createUser(
        db,
        { email: `${name}@example.com`, displayName: name, role: "hr", department: null },
        { userId: null, name: "test", ip: null },
        { password: "a long enough password", mustChangePassword: false },
      );
      const token = createSession(db, id, { ip: null, userAgent: null });
      users[name] = { id, cookie: `kasuhara_session=${Buffer.from(JSON.stringify(token)).toString("base64")}` };
    }
  });

  const post = async (who: "alice" | "bob", fields: Record<string, string>) => {
    const res = (await action({
      request: new Request("http://localhost/incidents?index", {
        method: "POST",
        headers: { Cookie: users[who].cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      params: {},
      context: { clientIp: "127.0.0.1" },
    } as unknown as ActionFunctionArgs)) as unknown as { data: { view: Record<string, unknown> }; init: { status?: number } | null };
    return { status: res.init?.status ?? 200, view: res.data.view };
  };

  it("saves the filters under a name, in the list's own URL form, without the page", () => {
    expect(viewSearchOf("?status=open&page=3&bogus=1&q=KH-2025&sort=severity_desc")).toBe("?status=open&q=KH-2025&sort=severity_desc");
    const id = saveView(db, users.alice.id, { name: "  未完了の 重大 ", search: "?status=open&severity=3&page=2" });
    expect(listSavedViews(db, users.alice.id)).toEqual([{ id, name: "未完了の 重大", search: "?severity=3&status=open" }]);
  });

  it("refuses an empty, too long or duplicate name (in any width or case) with a Japanese message", async () => {
    expect(await post("alice", { intent: "saveView", name: "   ", search: "" })).toMatchObject({ status: 422, view: { error: { key: "list.views.errors.nameRequired" } } });
    expect(await post("alice", { intent: "saveView", name: "あ".repeat(41), search: "" })).toMatchObject({
      status: 422, view: { error: { key: "list.views.errors.nameTooLong", params: { max: 40 } } },
    });
    expect((await post("alice", { intent: "saveView", name: "ＡＢＣ", search: "?status=closed" })).view).toEqual({ done: "saved" });
    expect(await post("alice", { intent: "saveView", name: "abc", search: "" })).toMatchObject({
      status: 409, view: { error: { key: "list.views.errors.duplicate" }, intent: "saveView", name: "abc" },
    });
    // Another user may use the same name.
    expect((await post("bob", { intent: "saveView", name: "abc", search: "?status=open" })).view).toEqual({ done: "saved" });
  });

  it("renames and deletes a user's own view", async () => {
    const id = saveView(db, users.alice.id, { name: "月次", search: "?period=2025-04" });
    expect((await post("alice", { intent: "renameView", id: String(id), name: "四月" })).view).toEqual({ done: "renamed" });
    expect(listSavedViews(db, users.alice.id).find((v) => v.id === id)?.name).toBe("四月");
    // Renaming to another of one's own names is refused; to its own name in another width is fine.
    expect(await post("alice", { intent: "renameView", id: String(id), name: "abc" })).toMatchObject({ status: 409 });
    expect((await post("alice", { intent: "renameView", id: String(id), name: "四月 " })).view).toEqual({ done: "renamed" });
    expect((await post("alice", { intent: "deleteView", id: String(id) })).view).toEqual({ done: "deleted" });
    expect(listSavedViews(db, users.alice.id).some((v) => v.id === id)).toBe(false);
  });

  it("never shows, renames or deletes another user's view, whatever id is posted", async () => {
    const bobs = listSavedViews(db, users.bob.id);
    expect(bobs).toHaveLength(1);
    expect(listSavedViews(db, users.alice.id).some((v) => v.id === bobs[0].id)).toBe(false);
    expect(await post("alice", { intent: "renameView", id: String(bobs[0].id), name: "乗っ取り" })).toMatchObject({
      status: 404, view: { error: { key: "list.views.errors.notFound" } },
    });
    expect(await post("alice", { intent: "deleteView", id: String(bobs[0].id) })).toMatchObject({ status: 404 });
    expect(await post("alice", { intent: "deleteView", id: "abc" })).toMatchObject({ status: 404 });
    expect(await post("alice", { intent: "dropTable" })).toMatchObject({ status: 400 });
    expect(() => renameView(db, users.alice.id, bobs[0].id, "x")).toThrow();
    expect(() => deleteView(db, users.alice.id, bobs[0].id)).toThrow();
    expect(listSavedViews(db, users.bob.id)).toEqual(bobs);
  });

  it("keeps at most VIEWS_PER_USER views a user", () => {
    const n = listSavedViews(db, users.bob.id).length;
    for (let i = n; i < VIEWS_PER_USER; i++) saveView(db, users.bob.id, { name: `v${i}`, search: "" });
    expect(() => saveView(db, users.bob.id, { name: "one too many", search: "" })).toThrow(expect.objectContaining({ userMessage: "list.views.errors.tooMany" }));
  });
});
