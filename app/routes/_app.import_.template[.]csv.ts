import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { templateCsv } from "~/modules/import/template";

/** The import template: UTF-8 with BOM so Excel shows the Japanese headers correctly. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "incidents.import");
  return new Response(templateCsv(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="kasuhara-import-template.csv"; filename*=UTF-8''${encodeURIComponent("カスハラ事案_取り込みテンプレート.csv")}`,
    },
  });
}
