import { templateCsv } from "~/modules/import/template";

/** The import template: UTF-8 with BOM so Excel shows the Japanese headers correctly. */
export async function loader() {
  return new Response(templateCsv(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="kasuhara-import-template.csv"; filename*=UTF-8''${encodeURIComponent("カスハラ事案_取り込みテンプレート.csv")}`,
    },
  });
}
