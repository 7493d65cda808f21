/**
 * The in-memory columns (analytics/cube.server.ts, docs/decisions/0016): a request loads the months it reads and no
 * others, a month read in slices between event-loop turns is the same as one read at once and as its rows say, a write
 * during a sliced load never leaves a mixed month, and a request during the warm-up gets complete figures first.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { buildDashboard, dashboardDays, loadDashboard, parseDashboardQuery } from "~/modules/analytics/dashboard.server";
import {
  BEHAVIOUR_INDEX, CARE_INDEX, CHANNEL_INDEX, Cube, cubeFor, DETERMINATION_INDEX, loadPartition, OUTCOME_INDEX, prepareCube,
  RESPONSE_INDEX, VALIDITY_INDEX, type DayRange, type Partition,
} from "~/modules/analytics/cube.server";
import type { Principal } from "~/modules/auth/permissions";
import { seedDemo } from "~/modules/demo/seed.server";
import { createIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { dayNumber } from "~/modules/incidents/dates";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const HR: Principal = { role: "hr", departmentId: null };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Four fiscal years of demo data (FY2023–FY2026), plus incidents at the edges of what a column can hold. */
function database(): Db {
  const db = memoryDb();
  seedDemo(db, { incidents: 2_500, seed: "cube", years: 4, until: TODAY });
  const add = (o: Parameters<typeof incidentInput>[0]) => createIncident(db, incidentInput(o), { today: TODAY });
  // Reported exactly one day later (counts as in time), one minute later than that (does not), as a bare date.
  const later = { closed_at: "2025-06-12", report_submitted_at: "2025-06-13" };
  add({ occurred_at: "2025-06-10T09:00:00+09:00", reported_at: "2025-06-11T09:00:00+09:00", ...later });
  add({ occurred_at: "2025-06-10T09:00:00+09:00", reported_at: "2025-06-11T09:01:00+09:00", ...later });
  add({ occurred_at: "2025-06-10T23:59:00+09:00", reported_at: "2025-06-11", ...later });
  // A date without a time (no hour), nothing optional, open; the last day of a month.
  add({
    occurred_at: "2025-06-30", reported_at: null, department: null, client: null, severity: null, determination: null, outcome: null,
    validity: null, duration_min: null, contact_count: null, responders: null, recorded: null, customer_identified: null,
    behaviours: ["MB02"], responses: [], care: [], status: "open", closed_at: null, report_submitted_at: null,
  });
  // Every response and care code at once, closed the next month.
  add({
    occurred_at: "2025-06-15T12:00:00+09:00", reported_at: "2025-06-15T13:00:00+09:00", behaviours: [...BEHAVIOUR_INDEX.keys()].slice(0, 10),
    responses: [...RESPONSE_INDEX.keys()], care: [...CARE_INDEX.keys()], severity: 4, closed_at: "2025-07-01", report_submitted_at: "2025-06-20",
  });
  return db;
}

/** A month's columns worked out the way the first version of the cube did, row by row from the stored text. */
function expectedColumns(db: Db, month: string): Record<string, number[]> {
  const rows = db.$client
    .prepare(
      `select id, occurred_on, occurred_at, reported_at, department_id, client_id, channel, severity, determination, outcome,
              status, duration_min, contact_count, responders, recorded, customer_identified, report_submitted_at, validity, closed_at
         from incidents where occurred_on >= ? and occurred_on < ? order by occurred_on, id`,
    )
    .all(`${month}-01`, `${month}-32`) as Record<string, string | number | null>[];
  const index = (map: Map<string, number>, v: unknown) => (v === null ? -1 : (map.get(v as string) ?? -1));
  const mask = (id: number, field: string, map: Map<string, number>) =>
    (db.$client.prepare("select code from incident_codes where incident_id = ? and field = ?").pluck().all(id, field) as string[]).reduce(
      (m, c) => m | (1 << map.get(c)!),
      0,
    );
  const col = (f: (r: Record<string, string | number | null>) => number) => rows.map(f);
  const day = (r: Record<string, string | number | null>) => dayNumber(r.occurred_on as string);
  return {
    id: col((r) => r.id as number),
    day: col(day),
    weekday: col((r) => (day(r) + 4) % 7),
    hour: col((r) => ((r.occurred_at as string).length > 10 ? Number((r.occurred_at as string).slice(11, 13)) : -1)),
    department: col((r) => (r.department_id as number) ?? 0),
    client: col((r) => (r.client_id as number) ?? 0),
    channel: col((r) => index(CHANNEL_INDEX, r.channel)),
    severity: col((r) => (r.severity as number) ?? -1),
    determination: col((r) => index(DETERMINATION_INDEX, r.determination)),
    outcome: col((r) => index(OUTCOME_INDEX, r.outcome)),
    validity: col((r) => index(VALIDITY_INDEX, r.validity)),
    open: col((r) => (r.status === "open" ? 1 : 0)),
    closedDay: col((r) => (r.closed_at === null ? -1 : dayNumber(r.closed_at as string))),
    duration: col((r) => (r.duration_min as number) ?? -1),
    contacts: col((r) => (r.contact_count as number) ?? -1),
    responders: col((r) => (r.responders as number) ?? -1),
    recorded: col((r) => (r.recorded as number) ?? -1),
    identified: col((r) => (r.customer_identified as number) ?? -1),
    reportedInTime: col((r) =>
      r.reported_at === null ? -1 : dayNumber(r.reported_at as string) - dayNumber(r.occurred_at as string) <= 1 ? 1 : 0,
    ),
    writtenDays: col((r) => (r.report_submitted_at === null ? -1 : dayNumber(r.report_submitted_at as string) - day(r))),
    behaviours: col((r) => mask(r.id as number, "behaviours", BEHAVIOUR_INDEX)),
    responses: col((r) => mask(r.id as number, "responses", RESPONSE_INDEX)),
    care: col((r) => mask(r.id as number, "care", CARE_INDEX)),
  };
}

/** Every column of a partition as plain arrays, with its bounds, for toEqual. */
function plain(p: Partition) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[k] = ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v;
  return out;
}

const months = (db: Db) => db.$client.prepare("select month from analytics_months order by month").pluck().all() as string[];

describe("which months a request loads", () => {
  it("loads the months of the ranges asked for and leaves the others stale", () => {
    const db = database();
    const all = months(db);
    expect(all[0]).toBe("2023-04");
    const cube = new Cube(db);
    expect(cube.refresh([["2025-06-10", "2025-07-05"]])).toBe(2);
    expect(cube.monthsBetween("2025-06-01", "2025-07-31").map((p) => p.month)).toEqual(["2025-06", "2025-07"]);
    expect(cube.stale().map(([m]) => m).sort()).toEqual(all.filter((m) => m !== "2025-06" && m !== "2025-07"));
    expect(cube.refresh()).toBe(all.length - 2);
    expect(cube.stale()).toEqual([]);
  });

  it("gives a dashboard the months of its period and of the last twelve months, and with filters those of the periods compared with", () => {
    const db = database();
    const fy2025 = (search: string) => parseDashboardQuery(new URLSearchParams(search), 4, 2026).query;
    const period: DayRange = ["2025-04-01", "2026-03-31"];
    const repeatOffenders: DayRange = ["2025-11-22", "2026-11-21"];
    const compared: DayRange[] = [
      ["2024-04-01", "2025-03-31"], // the 365 days before
      ["2024-04-01", "2025-03-31"], // FY2024
    ];
    expect(dashboardDays(fy2025("period=FY2025"), HR, TODAY)).toEqual([period, repeatOffenders]);
    expect(dashboardDays(fy2025("period=FY2025&channel=C2"), HR, TODAY)).toEqual([period, repeatOffenders, ...compared]);
    const supervisor: Principal = { role: "supervisor", departmentId: 1 };
    expect(dashboardDays(fy2025("period=FY2025"), supervisor, TODAY)).toEqual([period, repeatOffenders, ...compared]);

    // Without filters the periods compared with are counted in SQL while their months are not loaded: the same counts.
    const options = { lang: "ja" as const, today: TODAY, threshold: 3, writtenReportDays: 7 };
    const first = buildDashboard(db, fy2025("period=FY2025"), HR, options);
    const notLoaded = new Set(cubeFor(db, [["2023-04-01", "2023-04-30"]]).stale().map(([m]) => m));
    expect(months(db).filter((m) => m < "2025-04" && !notLoaded.has(m))).toEqual(["2023-04"]); // FY2024 was not read
    const inFy2024 = db.$client.prepare("select count(*) from incidents where occurred_on between '2024-04-01' and '2025-03-31'").pluck().get();
    expect(first.headline.yearBefore.base).toBe(inFy2024);
    expect(first.headline.previous.base).toBe(inFy2024);
    cubeFor(db);
    expect(buildDashboard(db, fy2025("period=FY2025"), HR, options)).toEqual(first);
    // With a filter they come from the columns.
    const filtered = buildDashboard(db, fy2025("period=FY2025&channel=C2"), HR, options);
    expect(filtered.headline.yearBefore.base).toBe(
      db.$client.prepare("select count(*) from incidents where channel = 'C2' and occurred_on between '2024-04-01' and '2025-03-31'").pluck().get(),
    );
  });
});

describe("loading a month", () => {
  it("gives, read in slices between event-loop turns, the same partition as one read at once and as the rows say", async () => {
    const db = database();
    const sliced = new Cube(db, { sliceRows: 7, adaptive: false });
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    expect(await sliced.prepare([["2025-06-01", "2025-06-30"]])).toBe(1);
    clearInterval(ticker);
    const [june] = sliced.monthsBetween("2025-06-01", "2025-06-30");
    expect(june.n).toBeGreaterThan(7 * 5); // many slices
    expect(turns).toBeGreaterThan(1); // timers ran between them
    const whole = loadPartition(db, "2025-06");
    expect(plain(june)).toEqual(plain(whole));
    const expected = expectedColumns(db, "2025-06");
    for (const [column, values] of Object.entries(expected)) expect([column, Array.from(whole[column as keyof Partition] as Int32Array)]).toEqual([column, values]);
    expect(whole.maxClient).toBe(Math.max(...expected.client));
    expect(whole.maxDepartment).toBe(Math.max(...expected.department));
    expect([whole.firstDay, whole.lastDay]).toEqual([dayNumber("2025-06-01"), dayNumber("2025-06-30")]);
    // The edge cases above are there.
    expect(expected.reportedInTime).toContain(1);
    expect(expected.reportedInTime).toContain(0);
    expect(expected.hour).toContain(-1);
  });

  it("starts a month over when it is written to between two slices: a month is never a mix of two states", async () => {
    const db = database();
    const cube = new Cube(db, { sliceRows: 5, adaptive: false });
    cube.refresh([["2025-06-01", "2025-06-30"]]);
    const [before] = cube.monthsBetween("2025-06-01", "2025-06-30");
    const ids = db.$client.prepare("select id from incidents where occurred_on like '2025-06-%' order by occurred_on, id").pluck().all() as number[];
    // A write, so the month is stale; its load then starts.
    db.$client.prepare("update incidents set severity = 1 where id = ?").run(ids[0]);
    const loading = cube.prepare([["2025-06-01", "2025-06-30"]]);
    await nextTurn();
    await nextTurn();
    await nextTurn();
    // Mid-way: readers still see the old month, whole.
    expect(cube.monthsBetween("2025-06-01", "2025-06-30")[0]).toBe(before);
    // Rows already read and rows not read yet change, and one incident moves to another month.
    db.$client.prepare("update incidents set severity = 4, duration_min = 999 where id in (?, ?)").run(ids[1], ids.at(-1));
    const moved = getIncident(db, ids[2])!;
    updateIncident(db, ids[2], { ...toInput(moved), occurred_at: "2025-05-31T10:00:00+09:00" }, toInput(moved), { today: TODAY });
    await loading;
    const [after] = cube.monthsBetween("2025-06-01", "2025-06-30");
    expect(plain(after)).toEqual(plain(loadPartition(db, "2025-06")));
    expect(after.generation).toBe(db.$client.prepare("select generation from analytics_months where month = '2025-06'").pluck().get());
    expect(Array.from(after.id)).not.toContain(ids[2]);
    expect(cube.stale([["2025-06-01", "2025-06-30"]])).toEqual([]);
  });
});

describe("a request during the warm-up", () => {
  it("gets figures from complete, current months, before the warm-up has loaded the others", async () => {
    const db = database();
    const warmUp = prepareCube(db);
    let warmedUp = false;
    void warmUp.then(() => (warmedUp = true));
    const { data } = await loadDashboard(db, HR, new URLSearchParams("period=FY2025"), { lang: "ja", today: TODAY });
    expect(warmedUp).toBe(false); // FY2023's months were still waiting
    expect(await warmUp).toBe(months(db).length);
    // The same figures as once every month is loaded.
    const { query } = parseDashboardQuery(new URLSearchParams("period=FY2025"), 4, 2026);
    expect(data).toEqual(buildDashboard(db, query, HR, { lang: "ja", today: TODAY, threshold: 3, writtenReportDays: 7 }));
    expect(data.headline.incidents).toBe(
      db.$client.prepare("select count(*) from incidents where occurred_on between '2025-04-01' and '2026-03-31'").pluck().get(),
    );
  });

  it("sees a write made while its months load", async () => {
    const db = database();
    const warmUp = prepareCube(db);
    const asked = loadDashboard(db, HR, new URLSearchParams("period=FY2025"), { lang: "ja", today: TODAY });
    await nextTurn();
    const august = { reported_at: "2025-08-08T09:00:00+09:00", closed_at: "2025-08-10", report_submitted_at: "2025-08-10" };
    createIncident(db, incidentInput({ occurred_at: "2025-08-08T08:08:00+09:00", ...august }), { today: TODAY });
    const { data } = await asked;
    await warmUp;
    expect(data.headline.incidents).toBe(
      db.$client.prepare("select count(*) from incidents where occurred_on between '2025-04-01' and '2026-03-31'").pluck().get(),
    );
  });
});
