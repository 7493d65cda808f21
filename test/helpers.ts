/** Shared by the tests: a migrated in-memory database and a valid incident to vary. */
import { openDatabase, type Db } from "../db/client.server";
import type { IncidentInput } from "~/modules/incidents/schema";

export const TODAY = "2026-11-21";

export function memoryDb(): Db {
  return openDatabase(":memory:");
}

export function incidentInput(overrides: Partial<IncidentInput> = {}): IncidentInput {
  return {
    ref: null,
    occurred_at: "2025-04-01T10:30:00+09:00",
    reported_at: "2025-04-01T15:00:00+09:00",
    department: "東京本店",
    in_tokyo: true,
    channel: "C2",
    client: "ABC商事",
    counterparty_type: "P2",
    customer_identified: true,
    validity: "V1",
    behaviours: ["MA05"],
    legal_flags: [],
    severity: 2,
    duration_min: 45,
    contact_count: 3,
    responders: 1,
    recorded: true,
    summary: "同じ内容の電話を繰り返し、長時間の対応を求めた。",
    verbatim: "責任者を出せ",
    determination: "D1",
    responses: ["R02", "R03"],
    care: [],
    outcome: "O1",
    status: "closed",
    closed_at: "2025-04-03",
    report_submitted_at: "2025-04-04",
    prevention: null,
    ...overrides,
  };
}
