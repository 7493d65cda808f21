import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { buildEvidencePack } from "~/modules/evidence-pack/pack.server";
import { readPackRequest } from "~/modules/evidence-pack/request.server";
import { isAppError } from "~/modules/errors";
import { readForm } from "~/modules/http.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";

/**
 * The evidence pack's download (docs/decisions/0034): the page's form posts here as a document, and the answer is the
 * ZIP (a page's action cannot answer with a file). A post that cannot be made into a pack builds nothing, audits nothing,
 * and goes back to the page with the reason's code and what was typed.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  let form: FormData;
  try {
    form = await readForm(request);
  } catch (e) {
    // Not a form (a broken body, a file): the page says so, as the pages do with the same 400.
    if (isAppError(e)) return redirect("/admin/evidence-pack?error=badForm", 303);
    throw e;
  }
  const values = { period: String(form.get("period") ?? ""), personalData: String(form.get("personalData") ?? "") };
  const db = getDb();
  const r = readPackRequest(values, user, getSettings(db).fiscalYearStartMonth);
  if (!r.ok) {
    // What was typed goes back into the field; a pasted novel is cut (it only has to show why it was refused).
    const back = new URLSearchParams({ error: r.error, period: values.period.slice(0, 100) });
    if (values.personalData === "on") back.set("personalData", "on");
    return redirect(`/admin/evidence-pack?${back}`, 303);
  }
  const pack = buildEvidencePack(db, r.period, { personalData: r.personalData, actor: actorOf(user, context), today: todayInTokyo() });
  return new Response(pack.zip, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${pack.fileName}"`,
      "Content-Length": String(pack.zip.byteLength),
      "Cache-Control": "no-store",
    },
  });
}
