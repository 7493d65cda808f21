import fs from "node:fs";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { fail } from "~/modules/http.server";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { uploadFor } from "~/modules/import/uploads.server";

/** The rows of an uploaded file that failed, with the エラー column, to fix and import again. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.import");
  const upload = uploadFor(params.token ?? "");
  if (!upload || !fs.existsSync(upload.errorFile)) fail(404, "importPage.expired");
  // The rows carry names and what customers said: handing them out is audited.
  audit(getDb(), actorOf(user, context), "import.errors_exported", null, { file: upload.name });
  const base = path.basename(upload.name, path.extname(upload.name));
  return new Response(fs.readFileSync(upload.errorFile), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="errors.csv"; filename*=UTF-8''${encodeURIComponent(`${base}_エラー.csv`)}`,
      "Cache-Control": "no-store",
    },
  });
}
