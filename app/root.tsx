import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { clearAllDrafts, draftKeptFor } from "~/components/forms/draft-storage";
import { useNonce } from "~/components/ui/nonce";
import { langFromCookie, type Lang, type Message, type MessageKey } from "~/i18n";
import { rootMessages } from "~/i18n/dictionary.server";
import { useT } from "~/i18n/use-t";
import { isAppError } from "~/modules/errors";
import { can, type Permission, type Role } from "~/modules/auth/permissions";
import { currentUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { unreadCount } from "~/modules/notifications/notifications.server";
import { NotificationBell } from "~/components/ui/NotificationBell";
import { useKeyboardScrollRegions } from "~/components/ui/scroll-regions";
import stylesheet from "~/styles/app.css";

/** What a route may declare in its `handle` export. */
export interface PageHandle {
  titleKey?: MessageKey;
}

// An empty icon: browsers stop asking for /favicon.ico (a 404 on every first page).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }, { rel: "icon", href: "data:," }];

/** What the header shows of the signed-in user. */
interface HeaderUser {
  /** Whose drafts a form may restore (app/components/forms/DraftKeeper.tsx). */
  id: number;
  email: string;
  displayName: string | null;
  role: Role;
  department: string | null;
  departmentId: number | null;
  mustChangePassword: boolean;
  /** Unread notifications, for the bell (issue 19). */
  unread: number;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await currentUser(request);
  const header: HeaderUser | null = user && {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    department: user.department,
    departmentId: user.departmentId,
    mustChangePassword: user.mustChangePassword,
    unread: user.mustChangePassword ? 0 : unreadCount(getDb(), user.id),
  };
  const lang = langFromCookie(request.headers.get("Cookie"));
  return { lang, user: header, messages: rootMessages(lang) };
}

const NAV: { to: string; key: MessageKey; permission: Permission; end?: boolean }[] = [
  { to: "/", key: "nav.overview", permission: "dashboard.view", end: true },
  { to: "/incidents", key: "nav.incidents", permission: "incidents.read", end: true },
  { to: "/incidents/new", key: "nav.newIncident", permission: "incidents.write" },
  { to: "/import", key: "nav.import", permission: "incidents.import" },
  { to: "/reports", key: "nav.reports", permission: "reports.executive" },
  { to: "/measures", key: "nav.measures", permission: "registers.manage" },
  { to: "/training", key: "nav.training", permission: "registers.manage" },
  { to: "/policy", key: "nav.policy", permission: "dashboard.view" },
  { to: "/headcounts", key: "nav.headcounts", permission: "registers.manage" },
  { to: "/consultations", key: "nav.consultations", permission: "consultations.manage" },
  { to: "/admin/users", key: "nav.users", permission: "users.manage" },
  { to: "/admin/departments", key: "nav.departments", permission: "departments.manage" },
  { to: "/admin/audit", key: "nav.audit", permission: "audit.read" },
  { to: "/admin/settings", key: "nav.settings", permission: "settings.manage" },
  { to: "/admin/retention", key: "nav.retention", permission: "settings.manage" },
  { to: "/admin/backups", key: "nav.backups", permission: "settings.manage" },
  { to: "/admin/api-tokens", key: "nav.apiTokens", permission: "users.manage" },
  { to: "/admin/evidence-pack", key: "nav.evidencePack", permission: "registers.manage" },
];

/** The main navigation's links, for the wide header and for the phone's menu (only one of them is displayed). */
function NavLinks({ user }: { user: HeaderUser }) {
  const { t } = useT();
  return (
    <>
      {NAV.filter((n) => can(user, n.permission)).map((n) => (
        <NavLink key={n.to} to={n.to} end={n.end}>
          {t(n.key)}
        </NavLink>
      ))}
    </>
  );
}

function Document({ lang, user, failed = false, children }: { lang: Lang; user: HeaderUser | null; failed?: boolean; children: ReactNode }) {
  const { t, has } = useT();
  const location = useLocation();
  const nonce = useNonce();
  useKeyboardScrollRegions(location.key);
  // A page names its title by dictionary key (`handle.titleKey`), so the tab reads in the user's language.
  const titleKey = useMatches()
    .map((m) => (m.handle as PageHandle | undefined)?.titleKey)
    .filter(Boolean)
    .pop();
  // On the error page the failed route sent no messages, its title among them: the tab then shows the app's name.
  const title = titleKey && (!failed || has(titleKey)) ? `${t(titleKey)} | ${t("app.name")}` : t("app.name");
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip" href="#main">
          {t("nav.skip")}
        </a>
        <header className="topbar">
          <Link to="/" className="brand">
            {t("app.name")}
          </Link>
          {user && !user.mustChangePassword ? (
            <>
              <nav aria-label={t("nav.main")} className="nav-wide">
                <NavLinks user={user} />
              </nav>
              {/* A phone's menu: a <details>, so it opens without JavaScript too; closed again on every new page. */}
              <details className="nav-menu" key={location.pathname}>
                <summary>{t("nav.menu")}</summary>
                <nav aria-label={t("nav.main")}>
                  <NavLinks user={user} />
                  {/* On a phone the header has no room for who is signed in: the menu says it. */}
                  <Link to="/account/password" className="nav-menu-who">
                    {user.displayName ?? user.email} · {t(`role.${user.role}`)}
                    {user.department ? ` · ${user.department}` : ""}
                  </Link>
                </nav>
              </details>
            </>
          ) : (
            <span className="nav-spacer" />
          )}
          {user ? (
            <div className="account">
              {!user.mustChangePassword ? <NotificationBell unread={user.unread} /> : null}
              <Link to="/account/password" className="who" title={user.email}>
                {user.displayName ?? user.email}
                <small>
                  {t(`role.${user.role}`)}
                  {user.department ? ` · ${user.department}` : ""}
                </small>
              </Link>
              {/* Signing out ends this tab's kept drafts too: the next person at this PC must not find them. */}
              <Form method="post" action="/logout" onSubmit={clearAllDrafts}>
                <button type="submit" className="link-button">
                  {t("nav.signOut")}
                </button>
              </Form>
            </div>
          ) : null}
          <Form method="post" action="/lang" className="lang-switch">
            <input type="hidden" name="lang" value={lang === "ja" ? "en" : "ja"} />
            <input type="hidden" name="returnTo" value={location.pathname + location.search} />
            {/* The visible text is part of the button's name (WCAG 2.5.3 label in name): 「言語: English」. */}
            <button type="submit">
              <span className="visually-hidden">{t("nav.language")}: </span>
              <span lang={lang === "ja" ? "en" : "ja"}>{t("nav.switchTo")}</span>
            </button>
          </Form>
        </header>
        <main id="main">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <Document lang={data?.lang ?? "ja"} user={data?.user ?? null}>
      <Outlet />
    </Document>
  );
}

/**
 * The one error boundary: a status and a message in the user's language, never a stack trace. What it shows comes from
 * an AppError (turned into a Response by scripts/server.ts, body = message key or `{ key, params }`), from any other
 * thrown Response (the 503 of a busy database, Remix's own 404), or is 「予期しないエラー」 (500).
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const { lang, t, has } = useT();
  const { status, message } = errorPageOf(error, has);
  return (
    <Document lang={lang} user={data?.user ?? null} failed>
      <section className="error-page">
        <h1>
          {t("error.title")} <small>({status})</small>
        </h1>
        <p>{t(message.key, message.params)}</p>
        <BackToKeptForm />
        <p>
          <Link to="/">{t("error.home")}</Link>
        </p>
      </section>
    </Document>
  );
}

/**
 * A post failed with this page (the server down or unusable): when the form of this URL kept what was typed, a link
 * opens it again, where DraftKeeper restores the text. A full load, so that nothing of the failed state remains.
 */
function BackToKeptForm() {
  const location = useLocation();
  const { t, has } = useT();
  const [kept, setKept] = useState(false);
  useEffect(() => setKept(draftKeptFor(location.pathname)), [location.pathname]);
  if (!kept || !has("drafts.backToForm")) return null;
  return (
    <p>
      <a href={location.pathname + location.search} className="button primary">
        {t("drafts.backToForm")}
      </a>
    </p>
  );
}

const FALLBACK: Record<number, MessageKey> = { 400: "error.badRequest", 403: "error.forbidden", 404: "error.notFound" };

function errorPageOf(error: unknown, has: (key: string) => key is MessageKey): { status: number; message: Message } {
  if (isAppError(error)) return { status: error.status, message: error.userFacing };
  if (!isRouteErrorResponse(error)) return { status: 500, message: { key: "error.unexpected" } };
  const body: unknown = error.data;
  const wanted = (typeof body === "string" ? { key: body } : body) as { key?: unknown; params?: Message["params"] } | null;
  if (wanted && typeof wanted.key === "string" && has(wanted.key)) return { status: error.status, message: { key: wanted.key, params: wanted.params } };
  return { status: error.status, message: { key: FALLBACK[error.status] ?? "error.unexpected" } };
}
