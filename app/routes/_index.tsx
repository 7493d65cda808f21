import { redirect } from "@remix-run/node";

// The dashboard arrives with the analytics issue; until then the incident list is the start page.
export async function loader() {
  return redirect("/incidents");
}
