import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { incidentScope } from "~/modules/auth/permissions";
import { csvDownload, csvStreamResponse } from "~/modules/csv-download.server";
import { listQueryToSearch, parseListQuery } from "~/modules/incidents/filters";
import { incidentExport } from "~/modules/incidents/export.server";
import { getSettings } from "~/modules/settings/settings.server";

/**
 * The app's own export (docs/spec/csv-import.md): every incident matching the list's filters, every importable field
 * under the importer's headers, streamed in UTF-8 with BOM or Shift_JIS (`?encoding=`). Names and free text: admin and
 * HR only (incidents.export), and audited with the filters and the count, once the file is about to be sent.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.export");
  const db = getDb();
  const url = new URL(request.url);
  const { filters } = parseListQuery(url.searchParams, getSettings(db).fiscalYearStartMonth);
  return csvDownload(request, async (encoding) => {
    const file = incidentExport(db, filters, incidentScope(user));
    const response = await csvStreamResponse(file.pager, encoding, {
      ascii: `incidents-${new Date().toISOString().slice(0, 10)}.csv`,
    });
    audit(db, actorOf(user, context), "incidents.exported", { type: "incident" }, {
      filters: listQueryToSearch({ filters }), count: file.count(), format: "csv", encoding,
    });
    return response;
  });
}
