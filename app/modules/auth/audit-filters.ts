/** The audit log's filters in the URL (who, what, when), read with zod; anything unreadable is ignored, not an error. */
import { z } from "zod";
import { isValidDay } from "../incidents/dates";
import { AUDIT_ACTION_NAMES, type AuditActionName } from "./audit-actions";

export interface AuditQuery {
  actor: string | null;
  action: AuditActionName | null;
  from: string | null;
  to: string | null;
  targetType: string | null;
  targetId: string | null;
  page: number;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => isValidDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))))
  .nullable()
  .catch(null);
const text = z
  .string()
  .transform((s) => s.trim().slice(0, 200) || null)
  .nullable()
  .catch(null);

const schema = z.object({
  actor: text,
  action: z.enum(AUDIT_ACTION_NAMES).nullable().catch(null),
  from: day,
  to: day,
  targetType: text,
  targetId: text,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  const get = (k: string) => params.get(k) || null;
  return schema.parse({
    actor: get("actor"),
    action: get("action"),
    from: get("from"),
    to: get("to"),
    targetType: get("targetType"),
    targetId: get("targetId"),
    page: params.get("page") ?? 1,
  });
}

export function auditQueryToSearch(q: Partial<AuditQuery>): string {
  const p = new URLSearchParams();
  for (const k of ["actor", "action", "from", "to", "targetType", "targetId"] as const) {
    const v = q[k];
    if (v) p.set(k, v);
  }
  if (q.page && q.page > 1) p.set("page", String(q.page));
  const s = p.toString();
  return s ? `?${s}` : "";
}
