/**
 * The HTTP server around the Remix build: security headers, the cross-site check on every state-changing request,
 * request size limits, the client address for the audit trail, and an error page without stack traces.
 */
import { createRequestHandler } from "@remix-run/express";
import { data, type ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DatabaseBusyError, retryWhileBusy } from "../db/busy.server";
import type { DatabaseProblem } from "../db/health.server";
import { crossSiteReason } from "../app/modules/auth/csrf";
import type { RequestContext } from "../app/modules/auth/guard.server";
import { MAX_UPLOAD_BYTES } from "../app/modules/import/uploads.server";
import { MAX_EVIDENCE_BYTES } from "../app/modules/evidence/evidence.server";
import { toThrowable } from "../app/modules/http.server";
import { type AppError, isAppError, type Message } from "../app/modules/errors";
import { DRAFT_FIELD, DRAFT_FORM_ID, retryReply } from "../app/modules/forms";
import { networkConfig, type NetworkConfig } from "./network-config";

/**
 * Request bodies are cut off here, before anything is read. Ordinary forms are small; the pages that take files have
 * their own limit, with room above it so that the page itself can answer a file just over it (form still there).
 */
const FORM_LIMIT_BYTES = 1024 * 1024;
const FILE_LIMITS: [pattern: RegExp, bytes: number][] = [
  [/^\/import(\.data)?$/, MAX_UPLOAD_BYTES + 10 * 1024 * 1024],
  [/^\/incidents\/\d+\/evidence(\.data)?$/, MAX_EVIDENCE_BYTES + 1024 * 1024],
];

/** The app's built stylesheet (its name carries a content hash), so the pages below look like the app's. */
let stylesheetHref = "";
function findStylesheet(root: string): void {
  const dir = path.join(root, "public/build/_assets");
  const css = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => /^app-[\w-]+\.css$/.test(f)) : undefined;
  stylesheetHref = css ? `/build/_assets/${css}` : "";
}

/** A page for the answers given before Remix runs: plain, Japanese first, no script, no inline style. */
function plainPage(res: Response, status: number, ja: string, en: string): void {
  // The JSON API answers every refusal in its one error shape (docs/decisions/0031), these too.
  if (res.req.path.startsWith("/api/")) {
    const code = status === 503 ? "unavailable" : status === 403 ? "forbidden" : status >= 500 ? "internal" : "bad_request";
    res.status(status).set("Cache-Control", "no-store").json({ error: { code, message: ja, messageEn: en } });
    return;
  }
  [ja, en] = [escapeHtml(ja), escapeHtml(en)];
  res
    .status(status)
    .type("html")
    .set("Cache-Control", "no-store")
    .send(
      `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${status}</title>` +
        (stylesheetHref ? `<link rel="stylesheet" href="${stylesheetHref}">` : "") +
        `</head><body><main id="main"><section class="error-page">` +
        `<h1>エラー <small>(${status})</small></h1><p>${ja}</p><p lang="en">${en}</p><p><a href="/">トップへ戻る</a></p>` +
        `</section></main></body></html>`,
    );
}

type DataFunction = (args: { request: globalThis.Request }) => unknown;

/**
 * Every loader and action waits for SQLite's write lock between event-loop turns instead of failing or freezing the
 * server (db/busy.server.ts): when one meets SQLITE_BUSY, it is run again on an untouched copy of the request. Its
 * writes are transactions (rolled back when they met the lock) and a file written before one is removed when it fails,
 * so running it again stores nothing twice. After WRITE_WAIT_MS the user gets 「混み合っています」 (503): as a page, or, for
 * a post of a form whose typed text DraftKeeper keeps, as that form's retry reply (the form stays on screen as typed).
 *
 * It is also where an AppError a route let through becomes its Response (status, message key), so the root error
 * boundary shows its status and message: Remix would answer a thrown Error with a bare 500.
 */
function retryingWhileBusy<F extends DataFunction>(fn: F, kind: "loader" | "action"): F {
  return (async (args: Parameters<F>[0]) => {
    const pristine = args.request;
    try {
      return await retryWhileBusy(() => fn({ ...args, request: pristine.clone() }));
    } catch (e) {
      const busy = e instanceof DatabaseBusyError;
      if (busy) console.warn(`${pristine.method} ${new URL(pristine.url).pathname}: ${e.message}`);
      // A form that keeps its typed text stays on screen, with the reason, instead of the error page (issue 18).
      const unavailable = busy || (isAppError(e) && e.status === 503);
      const keptForm = kind === "action" && unavailable ? await keptFormOf(pristine) : null;
      if (keptForm) {
        const reason: Message = busy ? { key: "error.busy" } : (e as AppError).userFacing;
        return data(retryReply(reason, keptForm), { status: 503, headers: { "Retry-After": "30" } });
      }
      if (busy) {
        throw new Response("error.busy", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "30" } });
      }
      throw toThrowable(e);
    }
  }) as F;
}

/** The id of the DraftKeeper form a post came from (its hidden DRAFT_FIELD), or null for any other post. */
async function keptFormOf(request: globalThis.Request): Promise<string | null> {
  if (!(request.headers.get("Content-Type") ?? "").startsWith("application/x-www-form-urlencoded")) return null;
  try {
    const id = new URLSearchParams(await request.clone().text()).get(DRAFT_FIELD);
    return id && DRAFT_FORM_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

function withBusyRetries(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        ...(loader ? { loader: retryingWhileBusy(loader as DataFunction, "loader") } : {}),
        ...(action ? { action: retryingWhileBusy(action as DataFunction, "action") } : {}),
      } as typeof route.module,
    };
  }
  return { ...build, routes };
}

/**
 * Refuses a request before reading its body. The body is drained (and thrown away) before the answer is sent: closing
 * the connection while the client is still sending would lose the page (the client sees a broken pipe instead).
 * A client that keeps sending for more than 10 s gets the answer anyway.
 */
function refuseBody(req: Request, res: Response, status: number, ja: string, en: string): void {
  res.set("Connection", "close");
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    clearTimeout(timer);
    plainPage(res, status, ja, en);
  };
  const timer = setTimeout(send, 10_000);
  req.on("end", send);
  req.on("error", send);
  req.resume();
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface AppOptions {
  /**
   * A problem of the database found after the start (the integrity check running once the server listens,
   * scripts/start.ts): while there is one, every request answers 503 with its message and none reaches the database.
   */
  databaseProblem?: () => DatabaseProblem | null;
  /** Proxies to believe and origins to accept (scripts/network-config.ts); read from the environment when not given. */
  network?: NetworkConfig;
}

export function createApp(build: ServerBuild, root: string = process.cwd(), options: AppOptions = {}): express.Express {
  findStylesheet(root);
  const app = express();
  app.disable("x-powered-by");
  const network = options.network ?? networkConfig(process.env, Number(process.env.PORT ?? 3000));
  // Behind a reverse proxy, TRUST_PROXY (a hop count or the proxies' addresses) lets the client address and https through.
  app.set("trust proxy", network.trustProxy);
  const [expected, ...allowed] = network.origins;

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "font-src": ["'self'"],
          "connect-src": ["'self'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'none'"],
          "object-src": ["'none'"],
        },
      },
      referrerPolicy: { policy: "same-origin" },
      xFrameOptions: { action: "deny" },
      // HSTS only means something over https; sent over http it is ignored by browsers but confuses readers.
      strictTransportSecurity: false,
    }),
  );
  app.use((req, res, next) => {
    if (req.secure) res.set("Strict-Transport-Security", "max-age=31536000");
    next();
  });

  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));

  // After the static files (the app's own scripts and styles, which hold no data: the page below uses its stylesheet).
  app.use((req, res, next) => {
    const problem = options.databaseProblem?.();
    if (!problem) return next();
    if (req.method === "GET" || req.method === "HEAD") return plainPage(res, 503, problem.ja, problem.en);
    refuseBody(req, res, 503, problem.ja, problem.en);
  });

  app.use((req, res, next) => {
    // The JSON API authenticates by Bearer token only, never by the session cookie, so a cross-site page cannot act
    // with a user's session there: the origin check (which a server-to-server client cannot pass) does not apply.
    if (req.path.startsWith("/api/")) return next();
    const reason = crossSiteReason({
      method: req.method,
      expected,
      allowed,
      secFetchSite: req.get("sec-fetch-site"),
      origin: req.get("origin"),
      referer: req.get("referer"),
    });
    if (!reason) return next();
    console.warn(`refused a cross-site ${req.method} ${req.path} from ${req.ip}: ${reason}`);
    plainPage(
      res,
      403,
      "他のサイトからの送信、または送信元を確認できない送信は受け付けられません。画面を開き直してから、もう一度操作してください。",
      "A request from another site, or one whose origin cannot be verified, was refused.",
    );
  });

  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const limit = FILE_LIMITS.find(([pattern]) => pattern.test(req.path))?.[1] ?? FORM_LIMIT_BYTES;
    const length = req.get("content-length");
    if (length === undefined && req.get("transfer-encoding")) {
      return refuseBody(req, res, 411, "送信の長さが分からないため受け付けられません。", "Length required.");
    }
    if (Number(length ?? 0) > limit) {
      return refuseBody(req, res, 413, `送信されたデータが大きすぎます(上限 ${Math.floor(limit / 1024 / 1024)} MB)。`, "The request is too large.");
    }
    next();
  });

  app.all(
    "*",
    createRequestHandler({
      build: withBusyRetries(build),
      mode: "production",
      getLoadContext: (req, res) => ({ clientIp: req.ip ?? null, cspNonce: res.locals.cspNonce as string }) satisfies RequestContext,
    }),
  );

  // Anything that escapes Remix (a malformed URL, a broken stream): logged for the operator, a plain page for the user.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    const clientError = status !== undefined && status >= 400 && status < 500;
    // A client's mistake (a malformed URL) is one line in the log; anything else with its stack, for the operator.
    if (clientError) console.warn(`${status} on ${req.method} ${req.originalUrl}: ${(err as Error).message}`);
    else console.error(`error on ${req.method} ${req.originalUrl}:`, err);
    if (res.headersSent) return res.end();
    if (clientError) {
      return plainPage(res, status, "リクエストを処理できませんでした。", "The request could not be processed.");
    }
    plainPage(res, 500, "予期しないエラーが発生しました。時間をおいてもう一度お試しください。", "An unexpected error occurred.");
  });
  return app;
}
