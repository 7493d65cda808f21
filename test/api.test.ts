/**
 * The JSON API (issue 20): routes called directly with Requests, every answer checked against the OpenAPI document
 * the API serves (Ajv, JSON Schema 2020-12). The clock, the database and the rate limit are injected.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { eq } from "drizzle-orm";
import { apiTokens, auditLog, departments, incidents, users } from "../db/schema";
import type { Db } from "../db/client.server";
import { configureApi, RateLimiter } from "~/modules/api/http.server";
import { issueToken, revokeToken, type ApiScope } from "~/modules/api/tokens.server";
import { createIncident } from "~/modules/incidents/mutations.server";
import { loadDashboard } from "~/modules/analytics/dashboard.server";
import * as list from "~/routes/api.v1.incidents";
import * as one from "~/routes/api.v1.incidents_.$id";
import * as aggregates from "~/routes/api.v1.aggregates";
import * as reports from "~/routes/api.v1.reports.$period";
import * as openapi from "~/routes/api.v1.openapi[.]json";
import * as unknown from "~/routes/api.$";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const NOW = new Date(`${TODAY}T03:00:00Z`);
const ADMIN = { userId: null, name: "test", ip: null };

type Route = { loader: (a: never) => Promise<Response> | Response; action: (a: never) => Promise<Response> | Response };
const ROUTES: [RegExp, string, Route, string[]][] = [
  [/^\/api\/v1\/openapi\.json$/, "/openapi.json", openapi as unknown as Route, []],
  [/^\/api\/v1\/incidents$/, "/incidents", list as unknown as Route, []],
  [/^\/api\/v1\/incidents\/([^/]+)$/, "/incidents/{id}", one as unknown as Route, ["id"]],
  [/^\/api\/v1\/aggregates$/, "/aggregates", aggregates as unknown as Route, []],
  [/^\/api\/v1\/reports\/([^/]+)$/, "/reports/{period}", reports as unknown as Route, ["period"]],
  [/^\/api\/.*$/, "*", unknown as unknown as Route, []],
];

let db: Db;
let restore: () => void;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };
let ajv: Ajv2020;
let calls = 0;

async function fetchDoc() {
  const r = await openapi.loader({ request: new Request("http://localhost/api/v1/openapi.json"), params: {}, context: {} } as never);
  return r.json();
}

/** Validates a response against the document's schema for its path, method and status; fails when there is none. */
function validate(template: string, method: string, status: number, body: unknown) {
  // A method a path does not have cannot carry responses in OpenAPI: the document says (info) it is the Error shape.
  const undeclared = template !== "*" && doc.paths[template] !== undefined && !doc.paths[template]![method.toLowerCase()];
  const schema =
    template === "*" || undeclared
      ? (template === "*" && status === 404) || status === 405
        ? { $ref: "#/components/schemas/Error" }
        : undefined
      : doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)]?.content?.["application/json"]?.schema;
  expect(schema, `the OpenAPI document has no ${status} answer for ${method} ${template}`).toBeDefined();
  const check = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
  if (!check(body)) throw new Error(`${method} ${template} ${status} does not match the OpenAPI document: ${ajv.errorsText(check.errors)}`);
}

async function call(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const url = new URL(`http://localhost${path}`);
  const found = ROUTES.find(([re]) => re.test(url.pathname))!;
  const m = found[0].exec(url.pathname)!;
  const params = Object.fromEntries(found[3].map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
  const headers: Record<string, string> = { ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}), ...o.headers };
  if (o.body !== undefined) headers["Content-Type"] ??= "application/json";
  const request = new Request(url, { method, headers, body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body) });
  const fn = method === "GET" || method === "HEAD" ? found[2].loader : found[2].action;
  const response = await fn({ request, params, context: { clientIp: "192.0.2.1" } } as never);
  calls++;
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = await response.json();
  validate(found[1], method, response.status, body);
  return { status: response.status, body, headers: response.headers };
}

function user(email: string, role: "admin" | "hr" | "supervisor" | "executive", departmentId: number | null = null): number {
  return db.insert(users).values({ email, role, departmentId, passwordHash: "x" }).returning({ id: users.id }).get().id;
}

function token(userId: number, scopes: ApiScope[], expiresOn = "2027-06-30"): { id: number; secret: string } {
  return issueToken(db, { clientName: "人事システム", userId, scopes, expiresOn }, ADMIN, TODAY);
}

const deptId = (name: string) => db.select({ id: departments.id }).from(departments).where(eq(departments.name, name)).get()!.id;
const apiCalls = () => db.select().from(auditLog).where(eq(auditLog.action, "api.called")).all();

const BODY = {
  occurred_at: "2026-11-20T10:30:00+09:00",
  department: "東京本店",
  channel: "C2",
  behaviours: ["MA05"],
  summary: "同じ内容の電話を繰り返した。",
  verbatim: "責任者を出せ",
  status: "open",
};

beforeEach(async () => {
  db = memoryDb();
  calls = 0;
  restore = configureApi({ db: () => db, now: () => NOW, limiter: new RateLimiter({ limit: 1000, windowMs: 60_000 }) });
  // Departments of the master, and a few incidents in each.
  for (const department of ["東京本店", "大阪支店"]) createIncident(db, incidentInput({ department }), { today: TODAY });
  doc ??= await fetchDoc();
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components });
  }
});
afterEach(() => restore());

describe("the OpenAPI document", () => {
  it("is served without a token and is OpenAPI 3.1", async () => {
    const r = await call("GET", "/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(["/incidents", "/incidents/{id}", "/aggregates", "/reports/{period}"]));
  });
});

describe("incidents", () => {
  it("creates an incident and reads it back, in the list and alone", async () => {
    const hr = token(user("hr@example.com", "hr"), ["incidents:read", "incidents:write"]);
    const created = await call("POST", "/api/v1/incidents", { token: hr.secret, body: BODY });
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toBe(`/api/v1/incidents/${created.body.id}`);
    expect(created.body).toMatchObject({ department: "東京本店", channel: "C2", behaviours: ["MA05"], status: "open", verbatim: "責任者を出せ" });

    const read = await call("GET", `/api/v1/incidents/${created.body.id}`, { token: hr.secret });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const viewed = db.select().from(auditLog).where(eq(auditLog.action, "incident.viewed")).all();
    expect(viewed.map((e) => e.targetId)).toEqual([String(created.body.id)]);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "incident.created")).all()).toHaveLength(1);

    const page = await call("GET", "/api/v1/incidents?period=FY2026&status=open", { token: hr.secret });
    expect(page.status).toBe(200);
    expect(page.body.items.map((i: { id: number }) => i.id)).toEqual([created.body.id]);
    const q = await call("GET", `/api/v1/incidents?q=${encodeURIComponent("電話を繰り返した")}`, { token: hr.secret });
    expect(q.body.total).toBeGreaterThanOrEqual(1);
  });

  it("refuses an invalid body with the fields, through the form's validation", async () => {
    const hr = token(user("hr@example.com", "hr"), ["incidents:write"]);
    const r = await call("POST", "/api/v1/incidents", { token: hr.secret, body: { ...BODY, channel: "C7", occurred_at: "2099-01-01", status: "closed" } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("validation_failed");
    expect(Object.keys(r.body.error.fields)).toEqual(expect.arrayContaining(["channel"]));
    const cross = await call("POST", "/api/v1/incidents", { token: hr.secret, body: { ...BODY, occurred_at: "2099-01-01" } });
    expect(cross.status).toBe(422);
    expect(cross.body.error.fields.occurred_at.code).toBe("error.futureDate");
    // A required field left out is 必須, not "not one of the choices"; a value of the wrong JSON type says so.
    const { occurred_at: _o, behaviours: _b, ...partial } = BODY;
    const missing = await call("POST", "/api/v1/incidents", { token: hr.secret, body: { ...partial, severity: "3" } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields).toMatchObject({
      occurred_at: { code: "error.required", message: "必須項目です。" },
      behaviours: { code: "error.required" },
      severity: { code: "api.errors.wrongType" },
    });
    const unknownField = await call("POST", "/api/v1/incidents", { token: hr.secret, body: { ...BODY, secret: 1 } });
    expect(unknownField.status).toBe(422);
    const broken = await call("POST", "/api/v1/incidents", { token: hr.secret, body: "{" });
    expect(broken.status).toBe(400);
    expect(db.select().from(incidents).all()).toHaveLength(2);
  });

  it("refuses a scope the token lacks with 403 and the error shape", async () => {
    const reader = token(user("hr@example.com", "hr"), ["incidents:read"]);
    const r = await call("POST", "/api/v1/incidents", { token: reader.secret, body: BODY });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "forbidden" });
    expect(r.body.error.message).toMatch(/スコープ/);
    expect(r.body.error.messageEn).toMatch(/scope/);
  });

  it("keeps a supervisor's token to their department: others are 404, and writes go to their own", async () => {
    const tokyo = deptId("東京本店");
    const osaka = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.departmentId, deptId("大阪支店"))).get()!.id;
    const own = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.departmentId, tokyo)).get()!.id;
    const sup = token(user("sup@example.com", "supervisor", tokyo), ["incidents:read", "incidents:write"]);
    expect((await call("GET", `/api/v1/incidents/${osaka}`, { token: sup.secret })).status).toBe(404);
    expect((await call("GET", `/api/v1/incidents/${own}`, { token: sup.secret })).status).toBe(200);
    expect((await call("GET", "/api/v1/incidents/999999", { token: sup.secret })).status).toBe(404);
    const page = await call("GET", `/api/v1/incidents?department=${deptId("大阪支店")}`, { token: sup.secret });
    expect(page.body.items.map((i: { id: number }) => i.id)).toEqual([own]);
    const created = await call("POST", "/api/v1/incidents", { token: sup.secret, body: { ...BODY, department: "大阪支店" } });
    expect(created.status).toBe(201);
    expect(created.body.department).toBe("東京本店");
  });

  it("replays an idempotent POST once, and refuses the same key with another body", async () => {
    const hr = token(user("hr@example.com", "hr"), ["incidents:write"]);
    const headers = { "Idempotency-Key": "import-2026-11-20-0001" };
    const first = await call("POST", "/api/v1/incidents", { token: hr.secret, body: BODY, headers });
    const again = await call("POST", "/api/v1/incidents", { token: hr.secret, body: BODY, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(db.select().from(incidents).all()).toHaveLength(3);
    const other = await call("POST", "/api/v1/incidents", { token: hr.secret, body: { ...BODY, summary: "別の内容" }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_conflict");
    expect(db.select().from(incidents).all()).toHaveLength(3);
  });
});

describe("tokens", () => {
  it("answers 401 to no token, an unknown, an expired and a revoked one", async () => {
    const id = user("hr@example.com", "hr");
    const expired = token(id, ["incidents:read"]);
    db.update(apiTokens).set({ expiresOn: "2026-11-20" }).where(eq(apiTokens.id, expired.id)).run();
    const revoked = token(id, ["incidents:read"]);
    revokeToken(db, revoked.id, ADMIN, NOW);
    for (const secret of [undefined, "kht_unknown", expired.secret, revoked.secret]) {
      const r = await call("GET", "/api/v1/incidents", { token: secret });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("unauthorized");
      expect(r.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    expect(db.select().from(auditLog).where(eq(auditLog.action, "api_token.revoked")).all()).toHaveLength(1);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "api_token.issued")).all()).toHaveLength(2);
  });

  it("stores only the secret's hash, and cannot exceed its user's permissions", () => {
    const exec = user("exec@example.com", "executive");
    const t = token(exec, ["aggregates:read"]);
    expect(t.secret).toMatch(/^kht_[A-Za-z0-9_-]{43}$/);
    const row = db.select().from(apiTokens).where(eq(apiTokens.id, t.id)).get()!;
    expect(JSON.stringify(row)).not.toContain(t.secret);
    expect(() => token(exec, ["incidents:read"])).toThrow();
    expect(() => token(exec, ["aggregates:read"], "2028-01-01")).toThrow();
  });

  it("limits calls per token: 429 with Retry-After", async () => {
    configureApi({ limiter: new RateLimiter({ limit: 2, windowMs: 60_000 }) });
    const hr = token(user("hr@example.com", "hr"), ["incidents:read"]);
    expect((await call("GET", "/api/v1/incidents", { token: hr.secret })).status).toBe(200);
    expect((await call("GET", "/api/v1/incidents", { token: hr.secret })).status).toBe(200);
    const limited = await call("GET", "/api/v1/incidents", { token: hr.secret });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBe(60);
    configureApi({ now: () => new Date(NOW.getTime() + 60_000) });
    expect((await call("GET", "/api/v1/incidents", { token: hr.secret })).status).toBe(200);
  });
});

describe("aggregates and reports", () => {
  function yearOfIncidents() {
    // FY2025, finished on TODAY: 3 a month in 東京本店, and a few in 大阪支店 (small groups to protect).
    for (let m = 0; m < 12; m++) {
      const [y, mm] = m < 9 ? [2025, m + 4] : [2026, m - 8];
      for (let i = 0; i < 3; i++) {
        const day = `${y}-${String(mm).padStart(2, "0")}-${String(10 + i).padStart(2, "0")}`;
        createIncident(db, incidentInput({ occurred_at: `${day}T10:00:00+09:00`, reported_at: null, closed_at: day, report_submitted_at: null, channel: i === 2 ? "C1" : "C2" }), { today: TODAY });
      }
    }
    createIncident(db, incidentInput({ department: "大阪支店", occurred_at: "2025-05-20T10:00:00+09:00", reported_at: null, closed_at: "2025-05-21", report_submitted_at: null, channel: "C4" }), { today: TODAY });
  }

  it("gives an executive's token the executive dashboard's χ-protected figures, and no incidents", async () => {
    yearOfIncidents();
    const execId = user("exec@example.com", "executive");
    const exec = token(execId, ["aggregates:read"]);
    const r = await call("GET", "/api/v1/aggregates?period=FY2025", { token: exec.secret });
    expect(r.status).toBe(200);
    expect(r.body.audience).toBe("executive");
    const expected = await loadDashboard(db, { role: "executive", departmentId: null }, new URLSearchParams("period=FY2025"), { lang: "ja", today: TODAY });
    expect(r.body.figures).toEqual(JSON.parse(JSON.stringify(expected.data)));
    expect(JSON.stringify(r.body)).toContain("χ");
    expect(JSON.stringify(r.body)).not.toContain("責任者を出せ");
    // The token cannot hold incidents:read, and one whose user became an executive loses it.
    const formerHr = user("former@example.com", "hr");
    const t = token(formerHr, ["incidents:read", "aggregates:read"]);
    db.update(users).set({ role: "executive" }).where(eq(users.id, formerHr)).run();
    expect((await call("GET", "/api/v1/incidents", { token: t.secret })).status).toBe(403);
    expect((await call("GET", "/api/v1/incidents", { token: exec.secret })).status).toBe(403);

    const report = await call("GET", "/api/v1/reports/FY2025?audience=hr", { token: exec.secret });
    expect(report.status).toBe(200);
    expect(report.body.audience).toBe("executive");
    expect(report.body.missed).toBeNull();
  });

  it("gives HR the report JSON of the command line, and refuses a supervisor", async () => {
    yearOfIncidents();
    const hr = token(user("hr@example.com", "hr"), ["aggregates:read"]);
    const r = await call("GET", "/api/v1/reports/FY2025", { token: hr.secret });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ audience: "hr", period: { key: "FY2025", from: "2025-04-01", to: "2026-03-31" } });
    // 37 of the year and the 2 of beforeEach (2025-04-01).
    expect(r.body.totals.incidents).toBe(39);
    const agg = await call("GET", "/api/v1/aggregates?period=FY2025", { token: hr.secret });
    expect(agg.body.audience).toBe("hr");
    expect((await call("GET", "/api/v1/aggregates?period=nonsense", { token: hr.secret })).status).toBe(400);
    const sup = token(user("sup@example.com", "supervisor", deptId("東京本店")), ["aggregates:read"]);
    expect((await call("GET", "/api/v1/reports/FY2025", { token: sup.secret })).status).toBe(403);
    expect((await call("GET", "/api/v1/aggregates?period=FY2025", { token: sup.secret })).status).toBe(200);
  });
});

describe("protection", () => {
  it("answers JSON 404 to unknown paths and 405 to wrong methods", async () => {
    const hr = token(user("hr@example.com", "hr"), ["incidents:read"]);
    const nothing = await call("GET", "/api/v1/nothing", { token: hr.secret });
    expect(nothing.status).toBe(404);
    expect(nothing.body.error.code).toBe("not_found");
    const put = await call("PUT", "/api/v1/incidents/1", { token: hr.secret, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("GET");
    expect((await call("DELETE", "/api/v1/incidents", { token: hr.secret })).status).toBe(405);
    expect((await call("POST", "/api/v1/aggregates", { token: hr.secret, body: {} })).status).toBe(405);
  });

  it("ignores the session cookie: only a token authenticates", async () => {
    const r = await call("GET", "/api/v1/incidents", { headers: { Cookie: "kasuhara_session=anything" } });
    expect(r.status).toBe(401);
  });

  it("audits every call with the token, method, path and status, never the body or the query", async () => {
    const hr = token(user("hr@example.com", "hr"), ["incidents:read", "incidents:write"]);
    await call("POST", "/api/v1/incidents", { token: hr.secret, body: BODY });
    await call("GET", "/api/v1/incidents?q=secretword", { token: hr.secret });
    await call("GET", "/api/v1/incidents", { token: "kht_nope" });
    await call("GET", "/api/v1/openapi.json");
    const entries = apiCalls();
    expect(entries).toHaveLength(calls);
    expect(entries.map((e) => JSON.parse(e.detail!))).toEqual([
      { tokenId: hr.id, method: "POST", path: "/api/v1/incidents", status: 201 },
      { tokenId: hr.id, method: "GET", path: "/api/v1/incidents", status: 200 },
      { tokenId: null, method: "GET", path: "/api/v1/incidents", status: 401 },
      { tokenId: null, method: "GET", path: "/api/v1/openapi.json", status: 200 },
    ]);
    const all = JSON.stringify(db.select().from(auditLog).all());
    expect(all).not.toContain("secretword");
    expect(all).not.toContain("責任者を出せ");
    expect(all).not.toContain(hr.secret);
  });
});
