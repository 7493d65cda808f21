/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate and answer with
 * (schemas.ts), so it cannot drift from the code. The tests validate every response they receive against it.
 */
import { z } from "zod";
import {
  aggregatesQuerySchema, aggregatesSchema, apiErrorSchema, complianceReportSchema, incidentCreateSchema, incidentListQuerySchema,
  incidentListSchema, incidentSchema, reportQuerySchema,
} from "./schemas";
import { API_SCOPES } from "./scopes";

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ "application/json": { schema } });

/** The query parameters of an object schema, one per property. */
function queryParameters(s: z.ZodObject) {
  const js = schemaOf(s, "input") as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: "query", required: js.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}

const ERROR_STATUSES = {
  "400": "The request cannot be read (a parameter, the JSON body, the Idempotency-Key).",
  "401": "No token, or an unknown, revoked or expired one (WWW-Authenticate: Bearer).",
  "403": "The token lacks the scope, or its user the permission.",
  "404": "Not found, or outside the token user's reach.",
  "405": "The path does not answer this method (Allow says which).",
  "422": "Validation failed (fields), or an Idempotency-Key reused with another body (idempotency_conflict).",
  "429": "Over the rate limit of the token (Retry-After in seconds).",
  "500": "Unexpected error.",
  "503": "The database is busy (Retry-After).",
} as const;

const errors = (...statuses: (keyof typeof ERROR_STATUSES)[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: ERROR_STATUSES[s], content: json(ref("Error")) }]));

const common = ["401", "403", "405", "429", "500", "503"] as const;
const auth = (scope: string) => ({ security: [{ bearer: [scope] }] });

let cached: JsonSchema | null = null;

export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  cached = {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "カスハラ事案ダッシュボード API (Customer-harassment incident API)",
      version: "1.0.0",
      description:
        "Tokens are issued by an admin at /admin/api-tokens and act as one user: that user's role and department apply. " +
        "Every call is audited and limited per token (120 requests per minute). Every 4xx/5xx answer has the Error shape, " +
        "also 404 for a path not listed here and 405 (with Allow) for a method a path does not have. " +
        "docs/decisions/0031-json-api.md",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: `kht_… token; scopes: ${API_SCOPES.join(", ")}` },
      },
      schemas: {
        Error: schemaOf(apiErrorSchema, "output"),
        IncidentCreate: schemaOf(incidentCreateSchema, "input"),
        Incident: schemaOf(incidentSchema, "output"),
        IncidentList: schemaOf(incidentListSchema, "output"),
        Aggregates: schemaOf(aggregatesSchema, "output"),
        ComplianceReport: schemaOf(complianceReportSchema, "output"),
      },
    },
    paths: {
      "/incidents": {
        get: {
          operationId: "listIncidents",
          summary: "事案の一覧 (a page of incidents within the token user's scope)",
          ...auth("incidents:read"),
          parameters: queryParameters(incidentListQuerySchema),
          responses: { "200": { description: "A page of 50 incidents.", content: json(ref("IncidentList")) }, ...errors("400", ...common) },
        },
        post: {
          operationId: "createIncident",
          summary: "事案の登録 (file an incident, validated as the form is)",
          ...auth("incidents:write"),
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              description: "Same key and body within 24 h replays the stored answer; the same key with another body is 422.",
              schema: { type: "string", minLength: 1, maxLength: 200 },
            },
          ],
          requestBody: { required: true, content: json(ref("IncidentCreate")) },
          responses: {
            "201": {
              description: "Created (or, with Idempotent-Replayed: true, the answer stored for the Idempotency-Key).",
              headers: { Location: { schema: { type: "string" } } },
              content: json(ref("Incident")),
            },
            ...errors("400", "422", ...common),
          },
        },
      },
      "/incidents/{id}": {
        get: {
          operationId: "getIncident",
          summary: "事案の詳細 (one incident; audited)",
          ...auth("incidents:read"),
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
          responses: { "200": { description: "The incident.", content: json(ref("Incident")) }, ...errors("404", ...common) },
        },
      },
      "/aggregates": {
        get: {
          operationId: "getAggregates",
          summary: "集計 (the dashboard's figures; χ-protected for executives)",
          ...auth("aggregates:read"),
          parameters: queryParameters(aggregatesQuerySchema),
          responses: { "200": { description: "The figures.", content: json(ref("Aggregates")) }, ...errors("400", ...common) },
        },
      },
      "/reports/{period}": {
        get: {
          operationId: "getComplianceReport",
          summary: "コンプライアンス報告書 (the compliance report JSON, docs/spec/reports.md)",
          ...auth("aggregates:read"),
          parameters: [
            { name: "period", in: "path", required: true, schema: { type: "string" }, description: "FY2025, 2025-04, 2025-Q2 …" },
            ...queryParameters(reportQuerySchema),
          ],
          responses: {
            "200": { description: "The report; executives always get the executive version.", content: json(ref("ComplianceReport")) },
            ...errors("400", "404", "422", ...common),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document (no token needed)",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) }, ...errors("405", "500") },
        },
      },
    },
  };
  return cached;
}
