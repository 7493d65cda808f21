import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { csvDownload, csvResponse } from "~/modules/csv-download.server";
import { templateCsv } from "~/modules/import/template";

/** The import template, in UTF-8 with BOM or Shift_JIS (`?encoding=`), so Excel shows the Japanese headers correctly. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "incidents.import");
  return csvDownload(request, (encoding) =>
    csvResponse(templateCsv(), encoding, { ascii: "kasuhara-import-template.csv", unicode: "カスハラ事案_取り込みテンプレート.csv" }, { headers: {} }),
  );
}
