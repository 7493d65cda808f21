import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/**
 * The header's bell (issue 19): a link to /notifications whose accessible name says the unread count
 * (「通知 3件未読」); the count is also shown as a number, so colour is never the only signal. Self-contained so the
 * header can place it wherever its layout needs (desktop bar, phone menu).
 */
export function NotificationBell({ unread }: { unread: number }) {
  const { t } = useT();
  const label = unread > 0 ? t("nav.notifications", { n: unread }) : t("nav.notificationsNone");
  return (
    <Link to="/notifications" className="notification-bell" aria-label={label} title={label}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-5-1.5-1.5V11a5.5 5.5 0 0 0-4.5-5.41V4.5a1 1 0 0 0-2 0v1.09A5.5 5.5 0 0 0 6.5 11v4.5L5 17v1.5h14V17Z"
        />
      </svg>
      {unread > 0 ? (
        <span className="notification-count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
