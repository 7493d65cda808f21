import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { readForm, safeReturnTo } from "~/modules/http.server";

/** Switches the UI language (a year-long cookie) and goes back to where the user was. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const lang = form.get("lang") === "en" ? "en" : "ja";
  return redirect(safeReturnTo(form.get("returnTo"), "/"), {
    headers: { "Set-Cookie": `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly` },
  });
}

export async function loader() {
  return redirect("/");
}
