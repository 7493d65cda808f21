import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { translate } from "~/i18n";
import { toCsv } from "~/modules/csv";
import { parseAuditQuery } from "~/modules/auth/audit-filters";
import type { AuditActionName } from "~/modules/auth/audit-actions";
import { audit, auditSlice } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { displayInstant } from "~/modules/incidents/dates";

const HEADER = ["日時(JST)", "記録時刻(UTC)", "実行者", "操作", "操作コード", "対象種別", "対象ID", "詳細", "接続元"];
const SLICE = 1000;

/**
 * The audit log as CSV (UTF-8 with BOM for Excel), with the page's filters. Exporting is itself audited, before the
 * file is made, so the export appears in the file it produces.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "audit.read");
  const db = getDb();
  const { page: _page, ...filters } = parseAuditQuery(new URL(request.url).searchParams);
  audit(db, actorOf(user, context), "audit.exported", { type: "audit_log" }, { filters });
  const encoder = new TextEncoder();
  let beforeId: number | null = null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${toCsv([HEADER])}\r\n`));
    },
    pull(controller) {
      const slice = auditSlice(db, filters, beforeId, SLICE);
      if (slice.length) {
        beforeId = slice[slice.length - 1].id;
        const rows = slice.map((e) => [
          displayInstant(e.at), e.at, e.actor, translate("ja", `audit.action.${e.action as AuditActionName}`), e.action,
          e.targetType ?? "", e.targetId ?? "", e.detail ?? "", e.ip ?? "",
        ]);
        controller.enqueue(encoder.encode(`${toCsv(rows)}\r\n`));
      }
      if (slice.length < SLICE) controller.close();
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
