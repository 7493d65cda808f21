import { sql } from "drizzle-orm";
import { getDb } from "~/modules/db.server";

/** Liveness and database check for monitors: 200 with `ok`, or 503. */
export async function loader() {
  try {
    getDb().get(sql`select 1`);
    return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
  } catch {
    return new Response("database unavailable", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}
