import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { requireUser } from "~/modules/auth/guard.server";

/**
 * The signed-in area. This loader turns away anyone signed out; each page's own loader and action still check the
 * permission they need (loaders of nested routes run in parallel, so a layout check alone protects nothing).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function AppLayout() {
  return (
    <div className="page">
      <Outlet />
    </div>
  );
}
