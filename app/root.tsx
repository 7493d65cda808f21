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
import type { ReactNode } from "react";
import { isMessageKey, langFromCookie, translate, type Lang, type MessageKey } from "~/i18n";
import stylesheet from "~/styles/app.css";

/** What a route may declare in its `handle` export. */
export interface PageHandle {
  titleKey?: MessageKey;
}

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { lang: langFromCookie(request.headers.get("Cookie")) };
}

function Document({ lang, children }: { lang: Lang; children: ReactNode }) {
  const t = (key: MessageKey) => translate(lang, key);
  const location = useLocation();
  // A page names its title by dictionary key (`handle.titleKey`), so the tab reads in the user's language.
  const titleKey = useMatches()
    .map((m) => (m.handle as PageHandle | undefined)?.titleKey)
    .filter(Boolean)
    .pop();
  const title = titleKey ? `${t(titleKey)} | ${t("app.name")}` : t("app.name");
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
          <Link to="/incidents" className="brand">
            {t("app.name")}
          </Link>
          <nav aria-label={t("nav.main")}>
            <NavLink to="/incidents" end>
              {t("nav.incidents")}
            </NavLink>
            <NavLink to="/incidents/new">{t("nav.newIncident")}</NavLink>
            <NavLink to="/import">{t("nav.import")}</NavLink>
          </nav>
          <Form method="post" action="/lang" className="lang-switch">
            <input type="hidden" name="lang" value={lang === "ja" ? "en" : "ja"} />
            <input type="hidden" name="returnTo" value={location.pathname + location.search} />
            <button type="submit" aria-label={t("nav.language")}>
              {t("nav.switchTo")}
            </button>
          </Form>
        </header>
        <main id="main">{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <Document lang={data?.lang ?? "ja"}>
      <Outlet />
    </Document>
  );
}

/** The one error boundary: a status and a message in the user's language, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const lang = data?.lang ?? "ja";
  let status = 500;
  let key: MessageKey = "error.unexpected";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const wanted = typeof error.data === "string" ? error.data : "";
    if (isMessageKey(wanted)) key = wanted;
    else if (status === 404) key = "error.notFound";
    else if (status === 400) key = "error.badRequest";
  }
  return (
    <Document lang={lang}>
      <section className="error-page">
        <h1>
          {translate(lang, "error.title")} <small>({status})</small>
        </h1>
        <p>{translate(lang, key)}</p>
        <p>
          <Link to="/incidents">{translate(lang, "error.home")}</Link>
        </p>
      </section>
    </Document>
  );
}
