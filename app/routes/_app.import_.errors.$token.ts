import fs from "node:fs";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { fail } from "~/modules/http.server";
import { uploadFor } from "~/modules/import/uploads.server";

/** The rows of an uploaded file that failed, with the エラー column, to fix and import again. */
export async function loader({ params }: LoaderFunctionArgs) {
  const upload = uploadFor(params.token ?? "");
  if (!upload || !fs.existsSync(upload.errorFile)) fail(404, "importPage.expired");
  const base = path.basename(upload.name, path.extname(upload.name));
  return new Response(fs.readFileSync(upload.errorFile), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="errors.csv"; filename*=UTF-8''${encodeURIComponent(`${base}_エラー.csv`)}`,
      "Cache-Control": "no-store",
    },
  });
}
