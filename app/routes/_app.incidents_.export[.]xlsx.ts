import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { incidentScope } from "~/modules/auth/permissions";
import { listQueryToSearch, parseListQuery } from "~/modules/incidents/filters";
import { incidentExport } from "~/modules/incidents/export.server";
import { getSettings } from "~/modules/settings/settings.server";
import { xlsxStreamResponse } from "~/modules/xlsx-download.server";

/**
 * The incident export as an Excel workbook (issue 19): the same incidents, columns and permission as the CSV export
 * (incidents.export, within the user's scope, the list's filters), streamed, and audited as `incidents.exported` with
 * its format.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.export");
  const db = getDb();
  const url = new URL(request.url);
  const { filters } = parseListQuery(url.searchParams, getSettings(db).fiscalYearStartMonth);
  const file = incidentExport(db, filters, incidentScope(user));
  const response = xlsxStreamResponse(file.pager, { ascii: `incidents-${new Date().toISOString().slice(0, 10)}.xlsx` }, "incidents");
  audit(db, actorOf(user, context), "incidents.exported", { type: "incident" }, {
    filters: listQueryToSearch({ filters }), count: file.count(), format: "xlsx",
  });
  return response;
}
