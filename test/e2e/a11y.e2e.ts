/**
 * Accessibility of every page, for every role that can open it, on a desktop and on a 390×844 phone: axe-core (WCAG 2.1
 * A and AA rules) must find no serious or critical violation, and on the phone nothing may scroll sideways. Then the
 * main flows by keyboard alone. Add a new page to PAGES below; nothing else needs to change.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { openPageForFile, screenshot, signIn } from "./browser";
import { DEMO } from "./periods";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
type Role = keyof typeof users;
const ALL: Role[] = ["admin", "hr", "supervisor", "executive"];
const STAFF: Role[] = ["admin", "hr", "supervisor"];
const HR: Role[] = ["admin", "hr"];
const ADMIN: Role[] = ["admin"];

interface PageCase {
  name: string;
  /** A path, or how to find one on the page already open (e.g. the first consultation in the list). */
  path: string | ((page: Page) => Promise<string | null>);
  roles: Role[] | "anon";
  /** After the page loaded: bring it into the state to check (e.g. a form posted empty, to show its errors). */
  act?: (page: Page) => Promise<void>;
}

/** The href of the first link on `from` whose href matches `pattern` (null when there is none). */
function firstLink(from: string, pattern: RegExp): (page: Page) => Promise<string | null> {
  return async (page) => {
    await page.goto(`${baseURL}${from}`);
    const hrefs = await page.locator("main a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    return hrefs.find((h) => pattern.test(h)) ?? null;
  };
}

/** Posts the page's main form as it is, skipping the browser's own checks, so the server's messages show. */
async function submitEmpty(page: Page, form = "main form[method='post']") {
  const target = page.locator(form).first();
  await target.evaluate((f: HTMLFormElement) => (f.noValidate = true));
  await Promise.all([
    page.waitForLoadState("networkidle"),
    target.locator("button[type='submit']:not([name]), button:not([type]):not([name])").first().click(),
  ]);
  await page.locator(".error-summary, .field-error, [role='alert']").first().waitFor();
}

const PAGES: PageCase[] = [
  { name: "sign-in", path: "/login", roles: "anon" },
  {
    name: "sign-in with an error",
    path: "/login",
    roles: "anon",
    act: async (page) => {
      await page.fill("#email", "nobody@e2e.test");
      await page.fill("#password", "wrong-password-123");
      await page.click("form button.primary");
      await page.locator(".error-summary").waitFor();
    },
  },
  { name: "dashboard", path: `/?period=${DEMO.fy}`, roles: ALL },
  { name: "incident list", path: `/incidents?period=${DEMO.fy}`, roles: STAFF },
  { name: "incident", path: `/incidents/${scope.ownIncident}`, roles: STAFF },
  { name: "incident report form", path: `/incidents/${scope.ownIncident}/report`, roles: STAFF },
  { name: "edit incident", path: `/incidents/${scope.ownIncident}/edit`, roles: STAFF },
  { name: "delete incident", path: `/incidents/${scope.ownIncident}/delete`, roles: HR },
  { name: "new incident", path: "/incidents/new", roles: STAFF },
  { name: "new incident with errors", path: "/incidents/new", roles: ["hr"], act: (page) => submitEmpty(page) },
  { name: "import", path: "/import", roles: HR },
  { name: "reports", path: "/reports", roles: ["admin", "hr", "executive"] },
  { name: "report", path: `/reports/${DEMO.fy}`, roles: ["admin", "hr", "executive"] },
  { name: "executive report", path: `/reports/${DEMO.fy}?audience=executive`, roles: ["hr"] },
  { name: "issued report", path: firstLink("/reports", /^\/reports\/issued\/\d+/), roles: HR },
  { name: "measures", path: "/measures", roles: HR },
  { name: "measure", path: "/measures/G01", roles: HR },
  { name: "training", path: "/training", roles: HR },
  { name: "consultations", path: "/consultations", roles: HR },
  { name: "consultation", path: firstLink("/consultations", /^\/consultations\/\d+/), roles: HR },
  { name: "new consultation", path: "/consultations/new", roles: HR },
  { name: "new consultation with errors", path: "/consultations/new", roles: ["hr"], act: (page) => submitEmpty(page) },
  { name: "password", path: "/account/password", roles: ALL },
  { name: "users", path: "/admin/users", roles: ADMIN },
  { name: "user", path: "/admin/users/1", roles: ADMIN },
  { name: "departments", path: "/admin/departments", roles: ADMIN },
  { name: "audit", path: "/admin/audit", roles: ADMIN },
  { name: "settings", path: "/admin/settings", roles: ADMIN },
  { name: "retention", path: "/admin/retention", roles: ADMIN },
  { name: "backups", path: "/admin/backups", roles: ADMIN },
  { name: "not found", path: "/incidents/99999999", roles: ["hr"] },
  { name: "forbidden", path: "/incidents", roles: ["executive"] },
];

const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a <script> tag
// added by addScriptTag would be refused).
const AXE_SOURCE = fs.readFileSync(path.resolve("node_modules/axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Waits until what the browser draws has been drawn: hydration, and charts where the page has any. */
async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  if ((await page.locator(".chart-box").count()) > 0 && (await page.locator(".chart-box.chart-empty").count()) === 0) {
    await page.locator(".chart-box .recharts-surface").first().waitFor();
  }
}

/** Serious and critical violations on the page as it stands, one line each: page, rule, element. */
async function seriousViolations(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${label}: ${v.id} (${v.impact}) ${n.target.join(" ")} — ${v.help}`));
}

/** How far the page scrolls sideways (0 when it fits). */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

let page: Page;
openPageForFile((opened) => ({ page } = opened));

async function checkPagesAs(role: Role | "anon"): Promise<string[]> {
  const found: string[] = [];
  if (role === "anon") await page.context().clearCookies();
  else await signIn(page, baseURL, users[role]);
  for (const c of PAGES.filter((p) => (role === "anon" ? p.roles === "anon" : p.roles !== "anon" && p.roles.includes(role)))) {
    const target = typeof c.path === "string" ? c.path : await c.path(page);
    if (!target) {
      found.push(`${role} ${c.name}: no page to check was found`);
      continue;
    }
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await page.goto(`${baseURL}${target}`);
      await settle(page);
      if (c.act) await c.act(page);
      const label = `${role} ${c.name} ${vp.name}`;
      found.push(...(await seriousViolations(page, label)));
      if (vp.name === "phone") {
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0) found.push(`${label}: scrolls sideways by ${overflow}px`);
      }
      if (process.env.A11Y_SCREENSHOTS) await screenshot(page, `a11y-${role}-${c.name.replace(/\W+/g, "-")}-${vp.width}`);
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  return found;
}

describe("axe-core finds no serious or critical violation, and phones do not scroll sideways", () => {
  for (const role of ["anon", ...ALL] as const) {
    it(`on every page ${role === "anon" ? "signed out" : `as ${role}`}`, { timeout: 300_000 }, async () => {
      const found = await checkPagesAs(role);
      if (found.length) console.log(found.join("\n"));
      expect(found).toEqual([]);
    });
  }
});
