/**
 * Behind an HTTPS reverse proxy, configured as the README says (TRUST_PROXY=1, PUBLIC_ORIGIN): a TLS-terminating
 * proxy on loopback, written here as nginx is configured (X-Forwarded-For/-Proto/-Host), connecting to the app from
 * 127.0.0.2 so the proxy's address differs from the browser's. Chromium signs in through it and sees a Secure cookie
 * and HSTS; the audit trail records the browser's address, not the proxy's; a form from another origin is refused.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OwnServer, startApp } from "../../scripts/app-process";
import { openBrowser, screenshot } from "./browser";

const PASSWORD = "proxy-test-password-long";
const EMAIL = "hr@proxy.test";
let dir = "";
let app: OwnServer | undefined;
let proxy: https.Server | undefined;
let publicOrigin = "";

function selfSignedCertificate(into: string): { key: Buffer; cert: Buffer } {
  const key = path.join(into, "key.pem");
  const cert = path.join(into, "cert.pem");
  const r = spawnSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
  ], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr}`);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/** nginx's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; X-Forwarded-Proto $scheme; Host $host`. */
function startProxy(tls: { key: Buffer; cert: Buffer }, target: () => number): Promise<https.Server> {
  const server = https.createServer(tls, (req, res) => {
    const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: target(),
        localAddress: "127.0.0.2",
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-for": forwarded, "x-forwarded-proto": "https", "x-forwarded-host": req.headers.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-proxy-"));
  const dbFile = path.join(dir, "proxy.db");
  const { openDatabase } = await import("../../db/client.server");
  const { createUser } = await import("~/modules/auth/users.server");
  const db = openDatabase(dbFile);
  await createUser(db, { email: EMAIL, displayName: null, role: "hr", department: null }, { userId: null, name: "setup", ip: null }, { password: PASSWORD });
  db.$client.close();
  let appPort = 0;
  proxy = await startProxy(selfSignedCertificate(dir), () => appPort);
  publicOrigin = `https://localhost:${(proxy.address() as AddressInfo).port}`;
  app = await startApp(dbFile, { env: { TRUST_PROXY: "1", PUBLIC_ORIGIN: publicOrigin } });
  appPort = Number(new URL(app.baseURL).port);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("behind an HTTPS proxy with TRUST_PROXY=1", () => {
  it("gives the browser a Secure session cookie and HSTS, and audits the browser's address", async () => {
    const browser = await openBrowser({ ignoreHTTPSErrors: true });
    try {
      const page = await browser.context.newPage();
      const first = await page.goto(`${publicOrigin}/login`);
      expect(first?.status()).toBe(200);
      expect(await first?.headerValue("strict-transport-security")).toBe("max-age=31536000");
      await page.fill("#email", EMAIL);
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("form button.primary")]);
      await page.locator("h1").first().waitFor();
      const cookies = await browser.context.cookies(publicOrigin);
      const session = cookies.find((c) => c.name === "kasuhara_session");
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });
      await screenshot(page, "proxy-signed-in");

      const db = new Database(path.join(dir, "proxy.db"), { readonly: true });
      const entry = db.prepare("select ip from audit_log where action = 'auth.signed_in' order by id desc limit 1").get();
      db.close();
      // The browser's address as the proxy saw it; the proxy itself connected from 127.0.0.2.
      expect(entry).toEqual({ ip: "127.0.0.1" });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("accepts a form from the configured origin and refuses one from another, whatever Host says", async () => {
    // Through the proxy (as browsers reach the app) or straight to the app's port (as a rebinding page would).
    const post = (origin: string, host?: string, through: "proxy" | "direct" = "direct") =>
      new Promise<number>((resolve, reject) => {
        const body = `email=${encodeURIComponent(EMAIL)}&password=wrong-password-xx`;
        const req = (through === "proxy" ? https : http).request(
          `${through === "proxy" ? publicOrigin : app!.baseURL}/login`,
          {
            method: "POST",
            rejectUnauthorized: false,
            headers: {
              "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body), Origin: origin,
              ...(host ? { Host: host } : {}),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    expect(await post(publicOrigin, undefined, "proxy")).toBe(401);
    expect(await post("https://evil.example", undefined, "proxy")).toBe(403);
    expect(await post("https://evil.example")).toBe(403);
    // A DNS-rebinding page: its own name in Host and Origin alike. The origin is configured, not taken from Host.
    expect(await post("http://evil.example", "evil.example")).toBe(403);
    expect(await post(`http://evil.example:${new URL(app!.baseURL).port}`, `evil.example:${new URL(app!.baseURL).port}`)).toBe(403);
  });
});
