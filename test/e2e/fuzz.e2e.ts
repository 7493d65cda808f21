/**
 * Bad input everywhere, over HTTP: every route with an `action` gets seeded-random hostile bodies — urlencoded and
 * multipart, invalid UTF-8 escapes, NUL and other control characters, 200 KB and 2 MB values, deeply nested quotes,
 * 10,000 fields, repeated and missing fields, random bytes, bodies that are not forms — as a signed-in user allowed
 * to use the form, with the headers a browser sends from the app's own page. The import page gets the hostile files.
 *
 * Each answer must be below 500, carry a Japanese error message (beside the field, or the error page) and no stack
 * trace; the server must still answer /healthz; and the database must hold exactly what it held (a hash over every
 * table but the audit log, the sessions and the sign-in throttle, which record the attempts themselves).
 *
 * The test runs a server of its own (the global setup has built the app), so its sign-in attempts and its database
 * check do not meet the other tests. A route with an action that has no case here fails the test: a new form cannot
 * escape the fuzz.
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ja } from "~/i18n/dictionary.server";
import { CONSULTATION_FIELDS } from "~/modules/consultations/schema";
import { INCIDENT_FIELDS } from "~/modules/incidents/schema";
import { MEASURE_FIELDS, TRAINING_FIELDS } from "~/modules/registers/schema";
import { POLICY_FIELDS } from "~/modules/registers/policy";
import { SETTINGS_FIELDS } from "~/modules/settings/schema";
import { H, HOSTILE_TEXT, hostileFiles, randomCsv, Rng, ROW } from "../fuzz-inputs";
import { startApp, type OwnServer } from "../../scripts/app-process";

/** Fixed, so a run can be repeated; FUZZ_SEED=n tries another. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x0f022026);
/** Random bodies per form, on top of the shapes every form gets once (2 MB, not a form, broken multipart…). */
const RANDOM_CASES = 14;
const PASSWORD = "fuzz-password-long-enough";
type Role = "admin" | "hr" | "supervisor" | "executive";

// ---------- what the answers may say ----------

/**
 * Every error text of the dictionary (each of its parts between parameters: a long value shown in the message can push
 * the part after it past what `errorsShown` reads), and the pages the HTTP layer answers.
 */
const ERROR_TEXTS: string[] = [
  ...Object.entries(ja)
    .filter(([key]) => key !== "error.title" && key !== "error.home")
    .filter(([key]) => /(^|\.)errors?\.|^import\.|\.(notFound|missing|badPeriod|expired|noFile|tooLarge)$/.test(key))
    .flatMap(([, text]) => text.split(/\{\w+\}/).map((part) => part.trim()))
    .filter((t) => t.length >= 5),
  "送信されたデータが大きすぎます",
  "送信の長さが分からないため受け付けられません",
  "リクエストを処理できませんでした",
];
const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
/** What the page shows as an error: the text in and after each alert, error summary, field error or error page. */
function errorsShown(html: string): string {
  const opening = /<[a-z]+\b[^>]*(?:role="alert"|class="[^"]*\berror[\w-]*)[^>]*>/g;
  return [...html.matchAll(opening)].map((m) => unescapeHtml(html.slice(m.index + m[0].length, m.index + m[0].length + 4000))).join("\n");
}
const hasErrorMessage = (html: string) => {
  const shown = errorsShown(html);
  return ERROR_TEXTS.some((t) => shown.includes(t));
};
const STACK = /\n\s+at .+[:(]\d+:\d+\)?|node:internal|TypeError:|RangeError:|SqliteError/;

// ---------- building bodies byte by byte ----------

type Value = string | Buffer | { raw: string };
type Pair = [name: string, value: Value];

const ESCAPED = Array.from({ length: 256 }, (_, b) =>
  /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
);
/** Percent-encoded bytes (a string as UTF-8: a lone surrogate goes as EF BF BD, as a browser would send it). */
function escapeBytes(v: string | Buffer): string {
  if (typeof v === "string" && !/[\uD800-\uDFFF]/.test(v)) return encodeURIComponent(v);
  const bytes = typeof v === "string" ? Buffer.from(v, "utf8") : v;
  let out = "";
  for (const b of bytes) out += ESCAPED[b];
  return out;
}
/** application/x-www-form-urlencoded from bytes: a value may be raw text (invalid escapes such as %FF%FE%C0). */
function urlencoded(pairs: Pair[]): Buffer {
  return Buffer.from(pairs.map(([k, v]) => `${escapeBytes(k)}=${typeof v === "object" && "raw" in v ? v.raw : escapeBytes(v)}`).join("&"), "latin1");
}

const BOUNDARY = "----fuzzBoundary7MA4YWxkTrZu0gW";
interface Part {
  name: string;
  value: Value;
  filename?: string;
  type?: string;
}
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const file = p.filename !== undefined ? `; filename="${p.filename}"` : "";
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\n`, "utf8"));
    if (p.type) chunks.push(Buffer.from(`Content-Type: ${p.type}\r\n`));
    const v = p.value;
    chunks.push(Buffer.from("\r\n"), typeof v === "object" && "raw" in v ? Buffer.from(v.raw, "latin1") : Buffer.from(v), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

// ---------- the forms ----------

type Kind = "line" | "lines" | "date" | "int" | "code" | "email" | "newPassword" | "free";

interface Target {
  /** The page the form posts to (or several: hostile URL parameters). */
  paths: (ctx: Ctx) => string[];
  role: Role | "anon" | "logout";
  /** Fields the form posts and what they hold; the poison lands in one whose poison is always refused. */
  fields: Record<string, Kind>;
  /** A value each field takes when it is not the hostile one (so a case gets as far as its poison). */
  good?: Record<string, string>;
  /** How many random bodies, and of the shapes every form gets: the routes that do the same whatever is posted need few. */
  cases?: number;
  fixed?: number;
  /** Redirects that carry the error on the next page (evidence), or that are the answer itself (language, sign-out). */
  redirect?: "follow" | "is-answer";
  /** An answer without an error is right: the action takes no input (it did its one thing, or nothing). */
  noMessage?: boolean;
  /** Tables this action writes whatever is posted (a backup records itself). */
  writes?: string[];
  /** Multipart file parts to post (the import page, evidence). */
  files?: (rng: Rng) => { name: string; filename: string; content: Buffer; type?: string }[];
}

interface Ctx {
  ownIncident: number;
  consultation: number;
  userId: number;
}

const POISON_BY_KIND: Record<Exclude<Kind, "free">, (rng: Rng) => Value> = {
  line: (rng) => rng.pick<Value>([`前${rng.pick(CONTROL)}後`, "文字\uFFFD化け", { raw: "%FF%FE%C0" }, `a${"\u0000".repeat(3)}b`, "東京\t本店", "x".repeat(200_001)]),
  lines: (rng) => rng.pick<Value>([`前${rng.pick(CONTROL.filter((c) => !/[\t\n\r]/.test(c)))}後`, "文字\uFFFD化け", { raw: "%C0%AF%ED%A0%80" }, "長".repeat(200_001)]),
  date: (rng) => rng.pick<Value>(["2025-02-30", "2025-04-01\u0000", "9999-99-99", "令和元年4月1日", "１e9", { raw: "%FF" }, "2".repeat(200_000)]),
  int: (rng) => rng.pick<Value>(["-1", "1e3", "0x10", "12abc", "9".repeat(400), "\u0000", "NaN", { raw: "%FE" }]),
  code: (rng) => rng.pick<Value>(["ZZ99", "\u0000", "<script>", "C1\u0000", '"'.repeat(100_000), { raw: "%FF%FE" }]),
  email: (rng) => rng.pick<Value>(["no-at-sign", "a\u0000@example.jp", `${"a".repeat(300)}@example.jp`, "x@\uFFFD.jp", { raw: "a%00b%40c.jp" }]),
  newPassword: (rng) => rng.pick<Value>(["short", "long-enough-but\u0007bell", "\uFFFD".repeat(20), "x".repeat(201)]),
};
const CONTROL = ["\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f", "\u0080", "\u0085", "\u009b", "\u009f", "\uFFFE", "\uFFFF", "\t", "\n", "\r"];
const NESTED_QUOTES = `"${'""'.repeat(50_000)}"`;

const incidentKinds: Record<string, Kind> = Object.fromEntries(
  INCIDENT_FIELDS.map((f) => [
    f,
    ["summary", "verbatim", "prevention"].includes(f)
      ? "lines"
      : ["ref", "department", "client"].includes(f)
        ? "line"
        : ["occurred_at", "reported_at", "closed_at", "report_submitted_at"].includes(f)
          ? "date"
          : ["duration_min", "contact_count", "responders"].includes(f)
            ? "int"
            : "code",
  ]),
);
const incidentGood = { occurred_at: "2025-04-01T10:00", channel: "C1", behaviours: "MA05", status: "open", summary: "ファズ", responders: "1" };

const TARGETS: Record<string, Target> = {
  "login.tsx": { paths: () => ["/login"], role: "anon", fields: { email: "email", password: "free", returnTo: "free" }, good: { email: "nobody@fuzz.invalid", password: "wrong-password-1234" } },
  "lang.ts": { paths: () => ["/lang"], role: "anon", fields: { lang: "free", returnTo: "free" }, redirect: "is-answer", noMessage: true, cases: 6 },
  "logout.ts": { paths: () => ["/logout"], role: "logout", fields: { intent: "free" }, redirect: "is-answer", noMessage: true, cases: 4 },
  "_app.account.password.tsx": { paths: () => ["/account/password"], role: "supervisor", fields: { current: "free", next: "newPassword", confirm: "free" } },
  "_app.admin.settings.tsx": {
    paths: () => ["/admin/settings"],
    role: "admin",
    fields: { fiscalYearStartMonth: "int", suppressionThreshold: "int", nationalObligationDate: "date", writtenReportDeadlineDays: "int", retentionYears: "int" } satisfies Record<(typeof SETTINGS_FIELDS)[number], Kind>,
    good: { fiscalYearStartMonth: "4", suppressionThreshold: "5", nationalObligationDate: "2026-04-01", writtenReportDeadlineDays: "30", retentionYears: "" },
  },
  "_app.admin.retention.tsx": { paths: () => ["/admin/retention"], role: "admin", fields: { confirm: "free" }, noMessage: true, cases: 4 },
  "_app.admin.backups.tsx": { paths: () => ["/admin/backups"], role: "admin", fields: { intent: "free" }, noMessage: true, cases: 1, fixed: 2, writes: ["backups"] },
  // Issuing a token: the good expiry is long past, so no case issues one (each would change the database).
  "_app.admin.api-tokens.tsx": {
    paths: () => ["/admin/api-tokens"],
    role: "admin",
    fields: { intent: "free", clientName: "line", userId: "int", scopes: "code", expiresOn: "date", id: "free" },
    good: { intent: "issue", clientName: "ファズ連携", userId: "1", scopes: "incidents:read", expiresOn: "2000-01-01" },
  },
  // The JSON API: a session cookie does not authenticate it, so every post is a JSON 401, 404 or 405 (no HTML page).
  "api.$.ts": { paths: () => ["/api/v1/nothing", "/api/%FF"], role: "admin", fields: { x: "free" }, noMessage: true, cases: 2, fixed: 2 },
  "api.v1.incidents.ts": { paths: () => ["/api/v1/incidents"], role: "admin", fields: { occurred_at: "date", channel: "code" }, noMessage: true, cases: 4 },
  "api.v1.incidents_.$id.ts": { paths: () => ["/api/v1/incidents/1", "/api/v1/incidents/%00"], role: "admin", fields: { x: "free" }, noMessage: true, cases: 2, fixed: 2 },
  "api.v1.aggregates.ts": { paths: () => ["/api/v1/aggregates"], role: "admin", fields: { x: "free" }, noMessage: true, cases: 1, fixed: 2 },
  "api.v1.reports.$period.ts": { paths: () => ["/api/v1/reports/FY2025"], role: "admin", fields: { x: "free" }, noMessage: true, cases: 1, fixed: 2 },
  "api.v1.openapi[.]json.ts": { paths: () => ["/api/v1/openapi.json"], role: "admin", fields: { x: "free" }, noMessage: true, cases: 1, fixed: 2 },
  "_app.admin.users._index.tsx": {
    paths: () => ["/admin/users"],
    role: "admin",
    fields: { email: "email", displayName: "line", role: "code", department: "line" },
    good: { email: "fuzz-new@example.jp", role: "hr" },
  },
  "_app.admin.users.$id.tsx": {
    paths: (c) => [`/admin/users/${c.userId}`, "/admin/users/99999999", "/admin/users/%00", "/admin/users/1e3"],
    role: "admin",
    fields: { email: "email", displayName: "line", role: "code", department: "line", disabled: "free", intent: "free" },
    good: { email: "fuzz-edit@example.jp", role: "hr" },
  },
  // Each intent reads its own fields; only the name is read by the one intent the good values choose (create), so it is
  // where the poison goes, and a hostile intent is refused as a form the page never sent.
  "_app.admin.departments.tsx": {
    paths: () => ["/admin/departments"],
    role: "admin",
    fields: { intent: "free", name: "line", id: "free", version: "free", into: "free" },
    good: { intent: "create", name: "ファズ部署" },
  },
  "_app.consultations.new.tsx": {
    paths: () => ["/consultations/new"],
    role: "hr",
    fields: { receivedOn: "date", route: "code", employeeRef: "line", anonymous: "code", incidentId: "int", firstResponseOn: "date", closedOn: "date", followUp: "lines" } satisfies Record<(typeof CONSULTATION_FIELDS)[number], Kind>,
    good: { receivedOn: "2025-04-01", route: "phone" },
  },
  "_app.consultations.$id.tsx": {
    paths: (c) => [`/consultations/${c.consultation}`, "/consultations/0", "/consultations/%FF"],
    role: "hr",
    fields: { receivedOn: "date", route: "code", employeeRef: "line", anonymous: "code", incidentId: "int", firstResponseOn: "date", closedOn: "date", followUp: "lines" },
    good: { receivedOn: "2025-04-01", route: "phone" },
  },
  // The list's saved-view forms, the notifications and the mail preference: one choice each, always refused when poisoned
  // (an id or a page number would not be: 1e3 is a number).
  "_app.incidents._index.tsx": { paths: () => ["/incidents"], role: "hr", fields: { intent: "code" }, cases: 6 },
  "_app.notifications.tsx": { paths: () => ["/notifications"], role: "supervisor", fields: { intent: "code" }, cases: 6 },
  "_app.account.notifications.tsx": { paths: () => ["/account/notifications"], role: "supervisor", fields: { notifyMail: "code" }, cases: 6 },
  "_app.incidents.new.tsx": { paths: () => ["/incidents/new"], role: "hr", fields: incidentKinds, good: incidentGood },
  // HR: a supervisor's department is set from the account, whatever the form says (a poison there would not count).
  "_app.incidents.$id.edit.tsx": { paths: (c) => [`/incidents/${c.ownIncident}/edit`, "/incidents/99999999/edit", "/incidents/%00/edit"], role: "hr", fields: incidentKinds, good: incidentGood },
  "_app.incidents.$id.delete.tsx": {
    // Never an incident that exists: deleting is what a post there does.
    paths: () => ["/incidents/99999999/delete", "/incidents/0/delete", "/incidents/-1/delete", "/incidents/abc/delete", "/incidents/%FF%FE/delete", "/incidents/1e3/delete"],
    role: "hr",
    fields: { confirm: "free" },
    cases: 6,
  },
  "_app.incidents.$id.report.tsx": {
    paths: (c) => [`/incidents/${c.ownIncident}/report`, "/incidents/99999999/report"],
    role: "hr",
    fields: {
      whatHappened: "lines", causeAnalysis: "lines", supervisorComment: "lines", intent: "free",
      ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [[`action_${i}`, "line"], [`owner_${i}`, "line"], [`due_${i}`, "date"], [`done_${i}`, "free"]]).flat()),
    },
  },
  "_app.incidents.$id.evidence.tsx": {
    paths: (c) => [`/incidents/${c.ownIncident}/evidence`, "/incidents/99999999/evidence", "/incidents/%00/evidence"],
    role: "hr",
    fields: { intent: "free" },
    redirect: "follow",
    // Only files the allow-list refuses (or empty ones): an allowed file would be stored, as it should.
    files: (rng) => [
      { name: "file", filename: rng.pick(["evil.exe", "a.csv", "x.pdf\u0000.exe", "名前\uFFFD.bin", ".htaccess", "x".repeat(5000) + ".sh", "../../etc/passwd"]), content: rng.bytes(1 + rng.int(2048)) },
      ...(rng.chance(0.3) ? [{ name: "file", filename: rng.pick(["empty.pdf", "empty.txt"]), content: Buffer.alloc(0) }] : []),
    ],
  },
  "_app.incidents.$id.evidence_.$evidenceId.remove.tsx": {
    // No file exists under this id: a valid reason ends at 404, a poisoned one is refused before.
    paths: (c) => [`/incidents/${c.ownIncident}/evidence/99999999/remove`, "/incidents/99999999/evidence/1/remove"],
    role: "hr",
    fields: { reason: "lines" },
  },
  "_app.import.tsx": {
    paths: () => ["/import"],
    role: "hr",
    fields: { token: "code", intent: "free", encoding: "free", batchId: "free", skipInvalid: "free", update: "free", "map:発生日時": "free" },
    files: (rng) => [{ name: "file", filename: rng.pick(["data.csv", "名前.csv", "x.png", "\u0000.csv"]), content: randomCsv(rng).content, type: "text/csv" }],
  },
  "_app.measures.$code.tsx": {
    paths: () => ["/measures/G01", "/measures/ZZ%00", "/measures/%FF"],
    role: "hr",
    fields: { status: "code", evidenceText: "lines", evidenceUrl: "line", inPlaceOn: "date", reviewedOn: "date", updatedBy: "line" } satisfies Record<(typeof MEASURE_FIELDS)[number], Kind>,
    good: { status: "in_place", updatedBy: "ファズ" },
  },
  "_app.training.tsx": {
    paths: () => ["/training"],
    role: "hr",
    // `id` is read only to delete: not where a poison is sure to be refused.
    fields: { heldOn: "date", title: "line", attendees: "int", invited: "int", notes: "lines", intent: "free", id: "free" } satisfies Record<(typeof TRAINING_FIELDS)[number] | "intent" | "id", Kind>,
    good: { heldOn: "2025-04-01", title: "研修", attendees: "1", invited: "2" },
  },
  "_app.reports.schedules.tsx": {
    paths: () => ["/reports/schedules"],
    role: "admin",
    // The first period must match its frequency's form (2025-04, FY2025-Q1, FY2025): every poison is refused.
    fields: { frequency: "code", audience: "code", startsWith: "code", intent: "free", id: "free" },
    good: { frequency: "quarterly", audience: "hr", startsWith: "FY2025-Q1" },
  },
  "_app.policy.tsx": {
    paths: () => ["/policy"],
    role: "hr",
    fields: { title: "line", version: "line", adoptedOn: "date", announcedOn: "date", places: "lines", url: "line", notes: "lines" } satisfies Record<(typeof POLICY_FIELDS)[number], Kind>,
    good: { title: "方針", version: "第1版", adoptedOn: "2025-04-01" },
  },
  "_app.admin.evidence-pack[.]zip.ts": {
    paths: () => ["/admin/evidence-pack.zip"],
    role: "admin",
    // Every case poisons one field (a pack made would be an audited export); a refused post goes back to the page.
    fields: { period: "line", personalData: "code" },
    good: { period: "FY2025" },
    redirect: "follow",
  },
  "_app.headcounts.tsx": {
    paths: () => ["/headcounts", "/headcounts?fy=%00"],
    role: "hr",
    // The year is poisoned in every case; the cells (hc_<department id>) are all required, so a post without them is
    // refused as well.
    fields: { fiscalYear: "int" },
  },
  "_app.reports.$period.tsx": {
    paths: () => ["/reports/FY2025", "/reports/%00", "/reports/FY99999999"],
    role: "hr",
    // Issuing takes one choice; every case poisons it, as an empty post would issue a report.
    fields: { audience: "code" },
  },
};

/** Routes whose `action` export the fuzz must cover. */
function routesWithAction(): string[] {
  const dir = path.resolve("app/routes");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(tsx?|jsx?)$/.test(f))
    .filter((f) => /export\s+(async\s+)?function\s+action\b|export\s+const\s+action\b|export\s*\{[^}]*\baction\b/.test(fs.readFileSync(path.join(dir, f), "utf8")))
    .sort();
}

// ---------- one case ----------

interface Case {
  label: string;
  path: string;
  contentType: string | null;
  body: Buffer;
  /** When the case should be answered with "使用できない文字": a forbidden character in a text field, posted plainly. */
  expectForbidden?: boolean;
}

function randomValue(rng: Rng, kind: Kind, good: string | undefined): Value {
  if (good !== undefined && rng.chance(0.5)) return good;
  if (kind === "free" || rng.chance(0.5)) {
    return rng.pick<Value>([
      ...HOSTILE_TEXT, "", " ", "on", NESTED_QUOTES, { raw: "%FF%FE%C0" }, { raw: "%" }, { raw: "%zz" }, { raw: "%00" }, rng.bytes(32), "\uD800".repeat(3),
    ]);
  }
  return POISON_BY_KIND[kind as Exclude<Kind, "free">](rng);
}

/** The random bodies of a form: every one holds at least one value its field always refuses. */
function randomCases(rng: Rng, name: string, target: Target, ctx: Ctx): Case[] {
  const cases: Case[] = [];
  const paths = target.paths(ctx);
  const poisonable = Object.entries(target.fields).filter(([, k]) => k !== "free");
  const n = target.cases ?? RANDOM_CASES;
  for (let i = 0; i < n; i++) {
    const shape = i % 8;
    const path = i < paths.length ? paths[i] : paths[0];
    const pairs: Pair[] = Object.entries(target.fields).map(([f, k]) => [f, randomValue(rng, k, target.good?.[f])]);
    let expectForbidden = false;
    if (poisonable.length) {
      const [field, kind] = rng.pick(poisonable);
      const poison = POISON_BY_KIND[kind as Exclude<Kind, "free">](rng);
      const at = pairs.findIndex(([f]) => f === field);
      pairs[at] = [field, poison];
      // First in the body: a repeated field is read from its first value.
      pairs.unshift(pairs.splice(at, 1)[0]);
      expectForbidden = (kind === "line" || kind === "lines") && typeof poison === "string" && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd-\uffff]/.test(poison) && poison.length < 1000;
    }
    let label = `${name} #${i}`;
    let body: Buffer;
    let contentType = "application/x-www-form-urlencoded";
    switch (shape) {
      case 0:
        label += " urlencoded";
        body = urlencoded(pairs);
        break;
      case 1:
        label += " invalid UTF-8 escapes";
        body = urlencoded(pairs.map(([f, v], j) => (j > 0 && rng.chance(0.5) ? [f, { raw: rng.pick(["%FF%FE%C0", "%C3%28", "%ED%A0%80", "%F8%88%80%80%80", "%E3%81"]) }] : [f, v])));
        break;
      case 2:
        label += " multipart with raw bytes";
        contentType = `multipart/form-data; boundary=${BOUNDARY}`;
        body = multipart([...pairs.map(([f, v]) => ({ name: f, value: v })), { name: "junk", value: rng.bytes(64) }, ...(target.files?.(rng) ?? []).map((f) => ({ name: f.name, value: f.content, filename: f.filename, type: f.type }))]);
        expectForbidden &&= !target.files;
        break;
      case 3:
        label += " repeated fields";
        body = urlencoded(pairs.flatMap((p) => (rng.chance(0.5) ? Array.from({ length: 1 + rng.int(50) }, () => p) : [p, [p[0], rng.pick(HOSTILE_TEXT)] as Pair])));
        break;
      case 4:
        label += " missing fields";
        body = urlencoded(pairs.filter((_, j) => j === 0 || rng.chance(0.3)));
        break;
      case 5:
        label += " 10,000 fields";
        body = urlencoded([...pairs, ...Array.from({ length: 10_000 }, (_, j): Pair => [`f${j}${rng.pick(["", "[]", "\u0000", "%"])}`, rng.pick(["", "x", "\u0001"])])]);
        break;
      case 6:
        label += " 200 KB values";
        body = urlencoded(pairs.map(([f, v], j): Pair => (j > 0 && rng.chance(0.3) ? [f, "長".repeat(70_000)] : [f, v])));
        expectForbidden = false;
        break;
      default:
        label += " random bytes after the fields";
        body = Buffer.concat([urlencoded(pairs), Buffer.from("&"), rng.bytes(2048)]);
        expectForbidden = false;
    }
    if (body.length > 1024 * 1024 || path !== paths[0]) expectForbidden = false;
    cases.push({ label, path, contentType, body, expectForbidden });
  }
  return cases;
}

/** The same shapes for every form: the ones that break the body itself. */
function fixedCases(rng: Rng, name: string, target: Target, ctx: Ctx): Case[] {
  const path = target.paths(ctx)[0];
  const poison = Object.entries(target.fields).find(([, k]) => k !== "free");
  const poisoned: Pair[] = poison ? [[poison[0], "\u0000"]] : [];
  const cases: Case[] = [
    { label: `${name} 2 MB value`, path, contentType: "application/x-www-form-urlencoded", body: urlencoded([...poisoned, ["x", "a".repeat(2 * 1024 * 1024)]]) },
    { label: `${name} text/plain body`, path, contentType: "text/plain", body: Buffer.from("email=a@b.jp\u0000") },
    { label: `${name} no content type`, path, contentType: null, body: rng.bytes(512) },
    { label: `${name} JSON body`, path, contentType: "application/json", body: Buffer.from('{"__proto__":{"admin":true}}') },
    { label: `${name} multipart without boundary`, path, contentType: "multipart/form-data", body: multipart([{ name: "a", value: "b" }]) },
    { label: `${name} multipart cut off`, path, contentType: `multipart/form-data; boundary=${BOUNDARY}`, body: multipart([...poisoned.map(([n, v]) => ({ name: n, value: v })), { name: "x", value: "y" }]).subarray(0, 60) },
    { label: `${name} multipart of random bytes`, path, contentType: `multipart/form-data; boundary=${BOUNDARY}`, body: Buffer.concat([multipart(poisoned.map(([n, v]) => ({ name: n, value: v }))).subarray(0, poisoned.length ? 80 : 0), rng.bytes(4096)]) },
  ];
  return cases.slice(0, target.fixed ?? cases.length);
}

/**
 * The hostile files of the issue (the rest, and 200 random ones, go through importFile in test/import-fuzz.test.ts:
 * each upload here is a worker thread and a page, most of a second) and a few random CSV files, uploaded as the page does.
 */
const UPLOADED = new Set([
  "empty.csv", "png-renamed.csv", "zip-renamed.csv", "random-bytes.csv", "cols-10000.csv", "cols-10000-required.csv",
  "cell-5mb-quoted.csv", "quotes-nested.csv", "unclosed-quote.csv", "nul-in-sample.csv", "nul-utf16.csv", "fffd.csv",
  "control-chars.csv", "proto-headers.csv", "huge-header.csv",
]);
function importUploads(rng: Rng): Case[] {
  const files = hostileFiles(rng).filter((f) => UPLOADED.has(f.name));
  for (let i = 0; i < 3; i++) files.push({ name: `random-${i}.csv`, content: randomCsv(rng).content });
  files.push({ name: "cell-2mb.csv", content: Buffer.from(`${H}${ROW}"${"a".repeat(2 * 1024 * 1024)}"\r\n`) });
  return files.map((f) => ({
    label: `import upload ${f.name}`,
    path: "/import",
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    body: multipart([{ name: "file", value: f.content, filename: f.name, type: "text/csv" }, { name: "encoding", value: "auto" }]),
  }));
}

// ---------- the server, its users and its database ----------

let dir: string;
let own: OwnServer;
let dbFile: string;
const cookies = {} as Record<Role, string>;
let ctx: Ctx;
let forwardedFor = 0;

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${own.baseURL}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: own.baseURL, "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("kasuhara_session="));
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  return cookie;
}

/** Users of every role, added the way an admin would (users.server), as the global setup does for the shared server. */
async function addUsers(): Promise<{ ownIncident: number; userId: number }> {
  const { openDatabase } = await import("../../db/client.server");
  const { createUser } = await import("~/modules/auth/users.server");
  const db = openDatabase(dbFile);
  try {
    const busiest = db.$client
      .prepare(`select d.name as name, d.id as id from incidents i join departments d on d.id = i.department_id group by d.id order by count(*) desc limit 1`)
      .get() as { name: string; id: number };
    const own = db.$client.prepare("select min(id) as id from incidents where department_id = ?").get(busiest.id) as { id: number };
    const actor = { userId: null, name: "fuzz setup", ip: null };
    let userId = 0;
    for (const role of ["admin", "hr", "supervisor", "executive"] as const) {
      const u = await createUser(db, { email: `${role}@fuzz.test`, displayName: null, role, department: role === "supervisor" ? busiest.name : null }, actor, { password: PASSWORD });
      if (role === "executive") userId = u.id;
    }
    return { ownIncident: own.id, userId };
  } finally {
    db.$client.close();
  }
}

const IGNORED_TABLES = new Set(["audit_log", "sessions", "login_throttle"]);

/** A SHA-256 per table over its rows (sorted, so only content counts), but the ones that record the attempts. */
function tableHashes(skip: readonly string[] = []): Map<string, string> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const hashes = new Map<string, string>();
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all() as string[];
    for (const t of tables) {
      if (IGNORED_TABLES.has(t) || skip.includes(t)) continue;
      if (t === "sqlite_sequence") {
        // Each table's counter goes with its table (the ignored ones move on every attempt).
        for (const [name, seq] of db.prepare("select name, seq from sqlite_sequence").raw().all() as [string, number][]) {
          if (!IGNORED_TABLES.has(name)) hashes.set(`${name} (its id counter)`, String(seq));
        }
        continue;
      }
      const rows = (db.prepare(`select * from "${t}"`).raw().all() as unknown[][]).map((r) =>
        JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)),
      );
      hashes.set(t, createHash("sha256").update(rows.sort().join("\n")).digest("hex"));
    }
    return hashes;
  } finally {
    db.close();
  }
}

/** The tables whose content differs between two snapshots. */
function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((t) => before.get(t) !== after.get(t));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-fuzz-"));
  dbFile = path.join(dir, "fuzz.db");
  // Sign-in attempts come from many addresses (X-Forwarded-For, trusted from loopback only): the per-address throttle
  // would otherwise slow the fuzz down by seconds per attempt after the second.
  own = await startApp(dbFile, { env: { DEMO_INCIDENTS: "60", TRUST_PROXY: "loopback" } });
  const setup = await addUsers();
  for (const role of ["admin", "hr", "supervisor", "executive"] as const) cookies[role] = await signIn(`${role}@fuzz.test`);
  // A consultation to edit (the demo data has none), and the retention run done once, before the database is read.
  const created = await post("hr", "/consultations/new", "application/x-www-form-urlencoded", urlencoded([["receivedOn", "2025-04-01"], ["route", "phone"]]));
  const consultation = Number(/\/consultations\/(\d+)/.exec(created.location ?? "")?.[1]);
  if (!consultation) throw new Error(`could not create a consultation: ${created.status}`);
  await post("admin", "/admin/retention", "application/x-www-form-urlencoded", Buffer.alloc(0));
  ctx = { ...setup, consultation };
}, 120_000);

afterAll(async () => {
  await own?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  location: string | null;
  text: string;
}

/**
 * A POST as the browser sends it from the app's page, on a keep-alive connection of its own (as browsers keep theirs:
 * the server then reads and drops the rest of a body it refused early, and its 413 page arrives).
 */
function post(role: Role | "anon", pathname: string, contentType: string | null, body: Buffer, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string | number> = { Origin: own.baseURL, "Sec-Fetch-Site": "same-origin", "Content-Length": body.length, ...extra };
  if (contentType) headers["Content-Type"] = contentType;
  if (role !== "anon") headers.Cookie = cookies[role];
  return new Promise((resolve, reject) => {
    let answered = false;
    const agent = new http.Agent({ keepAlive: true });
    const req = http.request(own.baseURL + pathname, { method: "POST", agent, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        agent.destroy();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", (e) => {
      agent.destroy();
      if (!answered) reject(e);
    });
    req.end(body);
  });
}

// ---------- the test ----------

describe("every form, fed hostile input", () => {
  it("covers every route that has an action", () => {
    const routes = routesWithAction();
    expect(routes.filter((r) => !TARGETS[r]), "routes with an action but no fuzz case: add them to TARGETS").toEqual([]);
    expect(Object.keys(TARGETS).filter((r) => !routes.includes(r)), "fuzz targets without a route").toEqual([]);
  });

  it("finds no error message on the forms as they first open (so finding one after a post means something)", async () => {
    const pages: [Role | "anon", string][] = [
      ["anon", "/login"], ["hr", "/incidents/new"], ["hr", `/incidents/${ctx.ownIncident}/edit`], ["hr", `/incidents/${ctx.ownIncident}/report`],
      ["hr", `/incidents/${ctx.ownIncident}`], ["hr", "/import"], ["hr", "/consultations/new"], ["hr", `/consultations/${ctx.consultation}`],
      ["hr", "/measures/G01"], ["hr", "/training"], ["hr", "/headcounts"], ["admin", "/admin/users"], ["admin", `/admin/users/${ctx.userId}`],
      ["admin", "/admin/settings"], ["admin", "/reports/schedules"], ["admin", "/admin/retention"], ["admin", "/admin/backups"], ["supervisor", "/account/password"],
    ];
    const found: string[] = [];
    for (const [role, page] of pages) {
      const res = await fetch(own.baseURL + page, { redirect: "manual", headers: role === "anon" ? {} : { Cookie: cookies[role] } });
      const shown = errorsShown(await res.text());
      if (res.status !== 200) found.push(`${page}: ${res.status}`);
      for (const t of ERROR_TEXTS) if (shown.includes(t)) found.push(`${page}: ${t}`);
    }
    expect(found).toEqual([]);
  });

  it("answers each with a Japanese message below 500, keeps serving, and changes nothing in the database", async () => {
    const rng = new Rng(SEED);
    const wrong: string[] = [];
    const counts: Record<string, { n: number; ms: number }> = {};
    const slowest: [ms: number, label: string][] = [];
    let generated = 0;
    let baseline = tableHashes();
    const started = performance.now();
    for (const name of routesWithAction()) {
      const target = TARGETS[name];
      if (!target) continue;
      const generating = performance.now();
      const cases = [...fixedCases(rng, name, target, ctx), ...randomCases(rng, name, target, ctx), ...(name === "_app.import.tsx" ? importUploads(rng) : [])];
      generated += performance.now() - generating;
      const routeStarted = performance.now();
      for (const c of cases) {
        const role = target.role === "logout" ? "executive" : target.role;
        if (target.role === "logout") cookies.executive = await signIn("executive@fuzz.test");
        // Each sign-in attempt from an address of its own (see beforeAll), with an e-mail no account has.
        const extra: Record<string, string> = target.role === "anon" ? { "X-Forwarded-For": `10.77.${(forwardedFor >> 8) & 255}.${forwardedFor++ & 255}` } : {};
        let res: Answer;
        const sent = performance.now();
        try {
          res = await post(role, c.path, c.contentType, c.body, extra);
          slowest.push([performance.now() - sent, c.label]);
        } catch (e) {
          wrong.push(`${c.label} (${c.path}): no answer: ${(e as Error).message}`);
          continue;
        }
        let shown = res.text;
        const problems: string[] = [];
        if (res.status >= 500) problems.push(`status ${res.status}`);
        if (res.status >= 300 && res.status < 400) {
          const to = res.location ?? "";
          if (!to.startsWith("/") || to.startsWith("//")) problems.push(`redirect off the site: ${to}`);
          if (target.redirect === "follow") {
            const next = await fetch(own.baseURL + to, { redirect: "manual", headers: { Cookie: cookies[role as Role] } });
            shown = await next.text();
            if (next.status >= 500) problems.push(`the page it leads to answered ${next.status}`);
          } else if (target.redirect !== "is-answer") problems.push(`redirected to ${to}: was something done?`);
        }
        const page = unescapeHtml(shown);
        const wantsMessage = !target.noMessage && target.redirect !== "is-answer";
        if (wantsMessage && !hasErrorMessage(shown)) problems.push(`no Japanese error message in: ${page.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 300)}`);
        if (c.expectForbidden && res.status < 413 && !page.includes("使用できない文字")) problems.push("no 使用できない文字 message for a control character");
        if (STACK.test(page)) problems.push(`a stack trace: ${STACK.exec(page)?.[0]}`);
        const health = await fetch(`${own.baseURL}/healthz`).catch(() => null);
        if (!health?.ok || own.server.exitCode !== null) {
          wrong.push(`${c.label}: the server stopped answering (${health?.status}):\n${own.output().slice(-2000)}`);
          break;
        }
        await health.text();
        const now = tableHashes();
        const changed = changedTables(baseline, now).filter((t) => !target.writes?.includes(t.replace(/ \(its id counter\)$/, "")));
        if (changed.length) problems.push(`the database changed: ${changed.join(", ")}`);
        baseline = now;
        if (problems.length) wrong.push(`${c.label} → ${res.status} ${c.path}: ${problems.join("; ")}`);
      }
      counts[name] = { n: cases.length, ms: performance.now() - routeStarted };
    }
    const total = Object.values(counts).reduce((a, b) => a + b.n, 0);
    console.log(
      `fuzzed ${Object.keys(counts).length} forms with ${total} requests in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${SEED}):\n  ` +
        Object.entries(counts).map(([r, { n, ms }]) => `${r}: ${n} in ${(ms / 1000).toFixed(1)} s`).join("\n  ") +
        `\n  (building the bodies: ${(generated / 1000).toFixed(1)} s; slowest: ${slowest.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([ms, l]) => `${l} ${Math.round(ms)} ms`).join(", ")})`,
    );
    if (wrong.length) console.log(`the server said:\n${own.output().split("\n").filter((l) => /error|Error|at /.test(l)).slice(0, 80).join("\n")}`);
    expect(wrong).toEqual([]);
  }, 150_000);
});
