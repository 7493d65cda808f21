import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Pager } from "~/components/ui/Pager";
import { langFromCookie, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { requireUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { fail, readForm } from "~/modules/http.server";
import { displayDateTime, toTokyoDateTime } from "~/modules/incidents/dates";
import { listNotifications, markAllRead, markRead } from "~/modules/notifications/notifications.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "notifications.title" };

const pageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.coerce.number().int().positive(), page: pageSchema }),
  z.object({ intent: z.literal("readAll"), page: pageSchema }),
]);

/** The signed-in user's own notifications, newest first: every query is by their id. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const lang = langFromCookie(request.headers.get("Cookie"));
  const list = listNotifications(getDb(), user.id, pageSchema.parse(url.searchParams.get("page") ?? 1), lang);
  return {
    list: { ...list, items: list.items.map((n) => ({ ...n, createdAt: displayDateTime(toTokyoDateTime(new Date(n.createdAt))) })) },
    executive: user.role === "executive",
    markedAll: url.searchParams.get("marked"),
    messages: messages(request, ["notifications", "list"]),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) fail(400, "error.badForm");
  const db = getDb();
  const back = parsed.data.page > 1 ? `/notifications?page=${parsed.data.page}` : "/notifications";
  if (parsed.data.intent === "read") {
    markRead(db, user.id, parsed.data.id);
    return redirect(back);
  }
  const n = markAllRead(db, user.id);
  return redirect(`/notifications?marked=${n}`);
}

export default function Notifications() {
  const { list, executive, markedAll } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section>
      <h1>{t("notifications.title")}</h1>
      <p className="muted">{executive ? t("notifications.executiveNote") : t("notifications.intro")}</p>
      {markedAll !== null && /^\d+$/.test(markedAll) ? (
        <p className="flash" role="status">
          {t("notifications.markedAll", { n: Number(markedAll) })}
        </p>
      ) : null}
      <div className="notification-toolbar">
        {list.unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="readAll" />
            <input type="hidden" name="page" value={list.page} />
            <button type="submit">{t("notifications.markAllRead")}</button>
          </Form>
        ) : null}
        <Link to="/account/notifications">{t("notifications.settingsLink")}</Link>
      </div>
      {list.items.length === 0 ? (
        <p>{t("notifications.empty")}</p>
      ) : (
        <ul className="notification-list">
          {list.items.map((n) => (
            <li key={n.id} className={n.read ? undefined : "unread"}>
              <span className="notification-state">{n.read ? t("notifications.read") : t("notifications.unread")}</span>
              <div className="notification-main">
                <Link to={n.href}>{n.title}</Link>
                {n.detail ? <div className="small muted">{n.detail}</div> : null}
                <div className="small muted">
                  {t("notifications.receivedAt")}: <time dateTime={n.createdAt}>{n.createdAt}</time>
                </div>
              </div>
              {n.read ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="read" />
                  <input type="hidden" name="id" value={n.id} />
                  <input type="hidden" name="page" value={list.page} />
                  <button type="submit" aria-label={`${t("notifications.markRead")}: ${n.title}`}>
                    {t("notifications.markRead")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pager page={list.page} pages={list.pages} linkTo={(p) => `/notifications?page=${p}`} />
    </section>
  );
}
