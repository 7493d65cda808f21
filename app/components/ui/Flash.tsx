import { useSearchParams } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

const FLASHES = {
  created: "flash.created",
  updated: "flash.updated",
  deleted: "flash.deleted",
  passwordChanged: "flash.passwordChanged",
  issued: "flash.issued",
} as const;

/** The one-line confirmation after a redirect (`?flash=created`). */
export function Flash() {
  const [params] = useSearchParams();
  const { t } = useT();
  const kind = params.get("flash");
  if (!kind || !(kind in FLASHES)) return null;
  return (
    <p className="flash" role="status">
      {t(FLASHES[kind as keyof typeof FLASHES])}
    </p>
  );
}
