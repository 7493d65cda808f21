import fs from "node:fs";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { fail } from "~/modules/http.server";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { csvDownload, csvResponse } from "~/modules/csv-download.server";
import { uploadFor } from "~/modules/import/uploads.server";

/**
 * The rows of an uploaded file that failed, with the エラー column, to fix and import again. The file is written as
 * UTF-8 with BOM during the import; a Shift_JIS download is converted here (or refused, naming what it cannot hold).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.import");
  const upload = uploadFor(params.token ?? "", user.id);
  if (!upload || !fs.existsSync(upload.errorFile)) fail(404, "importPage.expired");
  return csvDownload(request, (encoding) => {
    const base = path.basename(upload.name, path.extname(upload.name));
    const response = csvResponse(new TextDecoder().decode(fs.readFileSync(upload.errorFile)), encoding, {
      ascii: "errors.csv",
      unicode: `${base}_エラー.csv`,
    });
    // The rows carry names and what customers said: handing them out is audited.
    audit(getDb(), actorOf(user, context), "import.errors_exported", null, { file: upload.name, encoding });
    return response;
  });
}
