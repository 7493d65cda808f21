import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { translate } from "~/i18n";
import { parseAuditQuery } from "~/modules/auth/audit-filters";
import type { AuditActionName } from "~/modules/auth/audit-actions";
import { audit, auditSlice } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { csvDownload, csvStreamResponse, type CsvPager } from "~/modules/csv-download.server";
import { displayInstant } from "~/modules/incidents/dates";

const HEADER = ["日時(JST)", "記録時刻(UTC)", "実行者", "操作", "操作コード", "対象種別", "対象ID", "詳細", "接続元"];
const SLICE = 1000;

/**
 * The audit log as CSV (UTF-8 with BOM, or Shift_JIS: `?encoding=`), with the page's filters, streamed in slices.
 * Exporting is itself audited, before the file is made, so the export appears in the file it produces.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "audit.read");
  const db = getDb();
  const { page: _page, ...filters } = parseAuditQuery(new URL(request.url).searchParams);
  return csvDownload(request, (encoding) => {
    audit(db, actorOf(user, context), "audit.exported", { type: "audit_log" }, { filters, encoding });
    // Newest first from the entry just written: entries made while the file is read (twice for Shift_JIS) stay out.
    const newest = auditSlice(db, filters, null, 1)[0]?.id ?? 0;
    const pager: CsvPager<number> = {
      header: [HEADER],
      page(beforeId) {
        const slice = auditSlice(db, filters, beforeId ?? newest + 1, SLICE);
        const rows = slice.map((e) => [
          displayInstant(e.at), e.at, e.actor, translate("ja", `audit.action.${e.action as AuditActionName}`), e.action,
          e.targetType ?? "", e.targetId ?? "", e.detail ?? "", e.ip ?? "",
        ]);
        return { rows, next: slice.length < SLICE ? null : slice[slice.length - 1].id };
      },
    };
    const day = new Date().toISOString().slice(0, 10);
    return csvStreamResponse(pager, encoding, { ascii: `audit-log-${day}.csv` }, { purpose: "reading" });
  });
}
