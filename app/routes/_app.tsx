import { Outlet } from "@remix-run/react";

/** The layout of the working pages (the signed-in area once sign-in exists). */
export default function AppLayout() {
  return (
    <div className="page">
      <Outlet />
    </div>
  );
}
