/** The settings: one row, read by every page that counts or reports, and changed by an admin with an audit entry. */
import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { settings, type Settings } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { SETTINGS_FIELDS, type SettingsInput } from "./schema";

export function getSettings(db: Db): Settings {
  return db.select().from(settings).where(eq(settings.id, 1)).get()!;
}

/** The change and its audit entry (before → after per field) in one transaction. */
export function updateSettings(db: Db, input: SettingsInput, actor: Actor): string[] {
  return db.transaction(() => {
    const before = getSettings(db);
    const changes: Record<string, [unknown, unknown]> = {};
    for (const f of SETTINGS_FIELDS) if (before[f] !== input[f]) changes[f] = [before[f], input[f]];
    if (Object.keys(changes).length === 0) return [];
    db.update(settings).set({ ...input, updatedAt: new Date().toISOString() }).where(eq(settings.id, 1)).run();
    audit(db, actor, "settings.updated", { type: "settings", id: 1 }, { changes });
    return Object.keys(changes);
  });
}
