/**
 * The dashboard's figures against a small set of incidents whose right answers were worked out by hand (comments
 * give the working). FY2025 = 2025-04-01 … 2026-03-31 in Asia/Tokyo; today is 2026-11-21.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { buildDashboard, dashboardDays, loadDashboard, parseDashboardQuery } from "~/modules/analytics/dashboard.server";
import { executiveQuery } from "~/modules/analytics/executive-dashboard.server";
import { settings } from "../db/schema";
import { BEHAVIOURS } from "~/modules/incidents/taxonomy";
import { cubeFor } from "~/modules/analytics/cube.server";
import type { DashboardData } from "~/modules/analytics/dashboard-types";
import { createIncident, deleteIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, listDepartments, listIncidents, toInput } from "~/modules/incidents/queries.server";
import { parseListQuery } from "~/modules/incidents/filters";
import type { IncidentInput } from "~/modules/incidents/schema";
import type { Principal } from "~/modules/auth/permissions";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const HR: Principal = { role: "hr", departmentId: null };
const EXECUTIVE: Principal = { role: "executive", departmentId: null };
const OPTS = { lang: "ja" as const, today: TODAY, threshold: 3, writtenReportDays: 7 };
const open = { status: "open" as const, closed_at: null, report_submitted_at: null };

/** A–G of the working below; C and D fall outside FY2025, R1–R3 are a repeat client in the last 12 months. */
function fixture(): { db: Db; ids: Record<string, number> } {
  const db = memoryDb();
  const add = (o: Partial<IncidentInput>) => createIncident(db, incidentInput(o), { today: TODAY });
  const ids = {
    // A: the first minute of FY2025 (a Tuesday, hour 0); police called; severity 3 with care.
    A: add({
      occurred_at: "2025-04-01T00:10:00+09:00", reported_at: "2025-04-01T15:00:00+09:00", behaviours: ["MA02", "MB01"],
      severity: 3, care: ["W02"], responses: ["R02", "R06"], outcome: "O5",
    }),
    // B: the last minute of FY2025 (Tuesday, hour 23); open; not reported; two responders in person, recorded.
    B: add({
      occurred_at: "2026-03-31T23:30:00+09:00", reported_at: null, department: "大阪支店", channel: "C1", client: "XYZ物産",
      severity: 1, determination: "D2", outcome: null, responders: 2, behaviours: ["MA02"], responses: [], ...open,
    }),
    // C: the first minute of FY2026: not in FY2025.
    C: add({ occurred_at: "2026-04-01T09:00:00+09:00", reported_at: null, ...open }),
    // D: the last minute of FY2024: the previous period and the year before.
    D: add({ occurred_at: "2025-03-31T23:59:00+09:00", reported_at: null, closed_at: "2025-04-03", report_submitted_at: "2025-04-04" }),
    // E: a date without a time, every optional field empty.
    E: add({
      occurred_at: "2025-10-10", reported_at: null, department: null, client: null, channel: "C4", behaviours: ["MB02"],
      severity: null, determination: "D9", duration_min: null, contact_count: 1, recorded: null, customer_identified: null,
      outcome: null, responses: [], counterparty_type: null, ...open,
    }),
    // F: severity 4 without care; reported after 2 days; written report after 15 days; banned.
    F: add({
      occurred_at: "2025-07-15T14:20:00+09:00", reported_at: "2025-07-17T15:00:00+09:00", behaviours: ["MA01", "MA03", "MA05"],
      severity: 4, outcome: "O4", responses: ["R02", "R08"], duration_min: 120, contact_count: 5, responders: 3,
      closed_at: "2025-07-31", report_submitted_at: "2025-07-30",
    }),
    // G: no reported_at but R02 recorded (counts as reported); written report after 4 days.
    G: add({
      occurred_at: "2025-07-16T14:05:00+09:00", reported_at: null, responses: ["R02"], closed_at: "2025-07-20",
      report_submitted_at: "2025-07-20",
    }),
    // R1–R3: リピート商事, three times in the last 12 months, escalating to 出入禁止.
    R1: add({ occurred_at: "2026-05-01T10:00:00+09:00", reported_at: null, client: "リピート商事", responses: ["R03"], severity: 2, closed_at: "2026-05-02", report_submitted_at: "2026-05-03" }),
    R2: add({ occurred_at: "2026-06-01T10:00:00+09:00", reported_at: null, client: "リピート商事", responses: ["R04"], severity: 3, closed_at: "2026-06-02", report_submitted_at: "2026-06-03" }),
    R3: add({ occurred_at: "2026-07-01T10:00:00+09:00", reported_at: null, client: "リピート商事", responses: ["R08"], severity: 2, closed_at: "2026-07-02", report_submitted_at: "2026-07-03" }),
  };
  return { db, ids };
}

function dashboard(db: Db, search: string, user: Principal = HR): DashboardData {
  const { query } = parseDashboardQuery(new URLSearchParams(search), 4, 2026);
  return buildDashboard(db, query, user, OPTS);
}

const counts = (b: { buckets: { key: string; count: unknown }[] }) => Object.fromEntries(b.buckets.map((x) => [x.key, x.count]));

describe("the dashboard's headline", () => {
  it("counts FY2025 from 2025-04-01 00:00 to 2026-03-31 23:59 in Tokyo, with the previous period and the year before", () => {
    const { db } = fixture();
    const h = dashboard(db, "period=FY2025").headline;
    // A, B, E, F, G are in FY2025; C (2026-04-01) and D (2025-03-31) are not.
    expect(h.incidents).toBe(5);
    expect(h.kasuhara).toBe(3); // A, F, G are D1
    // The previous fiscal year, FY2024, is also the year before: it holds D only.
    expect(h.previous).toEqual({ base: 1, delta: 4, ratio: 4 });
    expect(h.yearBefore).toEqual({ base: 1, delta: 4, ratio: 4 });
    expect(h.open).toBe(2); // B, E, open at the period's end
    expect(h.oldestOpenDays).toBe(172); // E: 2025-10-10 → 2026-03-31, the period's end (not today)
    expect(h.severe).toEqual({ count: 2, share: 0.4 }); // A (3), F (4)
    expect(h.policeOrLawyer).toEqual({ count: 1, share: 0.2 }); // A: R06 and O5
    expect(h.medianDurationMin).toBe(45); // 45, 45, 45, 120 (E has none)
    expect(h.repeatContacts).toEqual({ count: 4, share: 0.8 }); // contact_count ≥ 2: all but E
  });

  it("uses the configured fiscal-year start: FY2025 from January is the calendar year 2025", () => {
    const { db } = fixture();
    const { query } = parseDashboardQuery(new URLSearchParams("period=FY2025"), 1, 2026);
    expect(query.period).toMatchObject({ from: "2025-01-01", to: "2025-12-31" });
    // D (2025-03-31), A, F, G, E are in 2025; B (2026-03-31) is not.
    expect(buildDashboard(db, query, HR, OPTS).headline.incidents).toBe(5);
  });

  it("defaults to the current fiscal year and reports a period it cannot read", () => {
    const r = parseDashboardQuery(new URLSearchParams("period=FY20x5"), 4, 2026);
    expect(r.query.period.key).toBe("FY2026");
    expect(r.invalidPeriod).toBe("FY20x5");
  });
});

describe("the dashboard's breakdowns", () => {
  it("counts a multi-valued behaviour once per value, and every other field once per incident with unknowns", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=FY2025");
    expect(counts(d.behaviour)).toEqual({ MA02: 2, MA05: 2, MB01: 1, MB02: 1, MA01: 1, MA03: 1 });
    expect(d.behaviour.covered).toBe(5);
    expect(counts(d.channel)).toEqual({ C2: 3, C1: 1, C4: 1 });
    expect(counts(d.outcome)).toEqual({ O1: 1, O4: 1, O5: 1, unknown: 2 });
    expect(counts(d.severity)).toEqual({ "1": 1, "2": 1, "3": 1, "4": 1, unknown: 1 });
    expect(d.department.buckets.map((b) => [b.label, b.count])).toEqual([["東京本店", 3], ["大阪支店", 1], ["不明", 1]]);
    expect(d.client.buckets.map((b) => [b.label, b.count])).toEqual([["ABC商事", 3], ["XYZ物産", 1], ["不明", 1]]);
  });

  it("stacks the monthly trend by MA/MB group or by severity", () => {
    const { db } = fixture();
    const byGroup = dashboard(db, "period=FY2025").trend;
    expect(byGroup.points.map((p) => [p.month, p.values])).toEqual([
      ["2025-04", { MA: 1, MB: 0, unknown: 0 }],
      ["2025-07", { MA: 2, MB: 0, unknown: 0 }],
      ["2025-10", { MA: 0, MB: 1, unknown: 0 }],
      ["2026-03", { MA: 1, MB: 0, unknown: 0 }],
    ]);
    const bySeverity = dashboard(db, "period=FY2025&stack=severity").trend;
    expect(bySeverity.points.find((p) => p.month === "2025-07")!.values).toEqual({ "1": 0, "2": 1, "3": 0, "4": 1, unknown: 0 });
  });

  it("places incidents by Tokyo weekday and hour, and counts date-only ones apart", () => {
    const { db } = fixture();
    const heat = dashboard(db, "period=FY2025").heatmap!;
    const at = (w: number, h: number) => heat.cells.find((c) => c.weekday === w && c.hour === h)!.count;
    expect(at(2, 0)).toBe(1); // A: Tuesday 00:10
    expect(at(2, 23)).toBe(1); // B: Tuesday 2026-03-31 23:30
    expect(at(2, 14)).toBe(1); // F: Tuesday 2025-07-15 14:20
    expect(at(3, 14)).toBe(1); // G: Wednesday 2025-07-16 14:05
    expect(heat.withoutTime).toBe(1); // E
    expect(heat.covered).toBe(4);
  });

  it("rates the five response-flow checks with their denominators", () => {
    const { db } = fixture();
    const rates = Object.fromEntries(dashboard(db, "period=FY2025").adherence.map((a) => [a.step, [a.met, a.applicable]]));
    expect(rates).toEqual({
      identify: [4, 5], // E unknown
      report: [2, 5], // A in time, G by R02; B and E not reported, F after 2 days
      two_responders_recorded: [4, 5], // E not recorded
      written_report: [2, 5], // A 3 days, G 4 days; F 15 days; B, E none
      care: [1, 2], // severity ≥ 3: A with care, F without
    });
  });

  it("gives a null rate when nothing applies", () => {
    const { db } = fixture();
    const care = dashboard(db, "period=2025-10").adherence.find((a) => a.step === "care")!;
    expect(care).toMatchObject({ applicable: 0, met: 0, rate: null });
  });

  it("lists clients with 3 or more incidents in the last 12 months with the strongest response so far", () => {
    const { db } = fixture();
    const repeat = dashboard(db, "period=FY2025").repeatOffenders;
    expect(repeat).toEqual([
      expect.objectContaining({ client: "リピート商事", count: 3, lastIncident: "2026-07-01", worstSeverity: 3, strongest: "R08" }),
    ]);
  });

  it("applies the filters to every figure", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=FY2025&channel=C2&severity=3&severity=4");
    expect(d.headline.incidents).toBe(2); // A, F
    expect(counts(d.behaviour)).toEqual({ MA02: 1, MB01: 1, MA01: 1, MA03: 1, MA05: 1 });
    expect(dashboard(db, "period=FY2025&department=unknown").headline.incidents).toBe(1); // E
    expect(dashboard(db, "period=FY2025&client=abc").headline.incidents).toBe(3);
    expect(dashboard(db, "period=FY2025&behaviour=MB01&behaviour=MB02").headline.incidents).toBe(2); // A, E
  });

  it("holds a supervisor to their department whatever the URL asks", () => {
    const { db } = fixture();
    const osaka = getIncident(db, fixture().ids.B); // same ids in a fresh fixture
    const supervisor: Principal = { role: "supervisor", departmentId: osaka!.departmentId };
    expect(dashboard(db, "period=FY2025&department=unknown", supervisor).headline.incidents).toBe(1);
  });
});

describe("drill-down", () => {
  it("links every bar to a list with exactly its count", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=FY2025&channel=C2&channel=C1");
    const listed = (href: string) => listIncidents(db, parseListQuery(new URL(href, "http://x").searchParams)).total;
    let checked = 0;
    for (const chart of [d.behaviour, d.client, d.outcome, d.channel, d.department, d.severity]) {
      for (const b of chart.buckets) {
        if (!b.href) continue;
        expect(listed(b.href), `${chart.id} ${b.key}: ${b.href}`).toBe(b.count);
        checked++;
      }
    }
    for (const p of d.trend.points) expect(listed(p.href!), p.month).toBe(p.total);
    for (const c of d.heatmap!.cells) if (c.href) expect(listed(c.href), `${c.weekday}/${c.hour}`).toBe(c.count);
    expect(checked).toBeGreaterThan(10);
  });

  it("links the その他 and 不明 client bars too: the clients outside the top ten, and incidents without a client", () => {
    const { db } = fixture();
    // Twelve more clients, so two fall outside the top ten; the fixture's E has no client.
    for (let i = 1; i <= 12; i++) {
      for (let k = 0; k < (i <= 10 ? 3 : 1); k++) {
        createIncident(db, incidentInput({ client: `顧客${i}` }), { today: TODAY });
      }
    }
    const d = dashboard(db, "period=FY2025");
    const listed = (href: string) => listIncidents(db, parseListQuery(new URL(href, "http://x").searchParams)).total;
    const other = d.client.buckets.find((b) => b.key === "other")!;
    const unknown = d.client.buckets.find((b) => b.key === "unknown")!;
    expect(other.count).toBeGreaterThan(0);
    expect(unknown.count).toBe(1); // E
    expect(other.href).toMatch(/client_not=/);
    expect(unknown.href).toMatch(/client_id=unknown/);
    expect(listed(other.href!)).toBe(other.count);
    expect(listed(unknown.href!)).toBe(unknown.count);
    // The three buckets together are every incident of the period, each once.
    const sum = d.client.buckets.reduce((n, b) => n + Number(b.count), 0);
    expect(sum).toBe(d.headline.incidents);
  });
});

describe("for executives", () => {
  /** Every count a dashboard shows (headline, buckets, trend, adherence). */
  function allCounts(d: DashboardData): unknown[] {
    const h = d.headline;
    return [
      h.incidents, h.kasuhara, h.open, h.severe.count, h.policeOrLawyer.count, h.repeatContacts.count,
      ...[d.behaviour, d.client, d.outcome, d.channel, d.department, d.severity].flatMap((b) => b.buckets.map((x) => x.count)),
      ...d.trend.points.map((p) => p.total),
      ...d.adherence.flatMap((a) => [a.met, a.applicable]),
    ].filter((c) => c !== null);
  }

  /** The fixture with three more incidents in every month of FY2025 at 本社: a year without a month under 3. */
  function busyYear() {
    const { db } = fixture();
    db.update(settings).set({ disclosureKey: "test-key" }).run();
    for (let m = 0; m < 36; m++) {
      const [y, mo] = 4 + (m % 12) > 12 ? [2026, (m % 12) - 8] : [2025, 4 + (m % 12)];
      createIncident(db, incidentInput({ occurred_at: `${y}-${String(mo).padStart(2, "0")}-10T10:00:00+09:00`, reported_at: null, department: "本社", closed_at: `${y}-${String(mo).padStart(2, "0")}-11`, report_submitted_at: null }), { today: TODAY });
    }
    return db;
  }

  it("shows a finished fiscal year with χ for every hidden count, rows in code order, no links, names, grid or repeat clients", () => {
    const db = busyYear();
    const d = dashboard(db, "period=FY2025", EXECUTIVE);
    expect(d.suppressed).toBe(true);
    expect(d.headline.incidents).toBe(41);
    expect(d.channel.buckets.length).toBeGreaterThan(0);
    // No count of 1 or 2 is shown anywhere.
    expect(allCounts(d).filter((c) => c === 1 || c === 2)).toEqual([]);
    expect(allCounts(d).every((c) => c === "χ" || typeof c === "number")).toBe(true);
    expect(d.headline.oldestOpenDays).toBeNull(); // fewer than 3 open cases: one case's age
    const order = (keys: string[], codes: string[]) => keys.map((k) => codes.indexOf(k));
    const behaviourKeys = d.behaviour.buckets.map((b) => b.key);
    expect(order(behaviourKeys, BEHAVIOURS.map((b) => b.code))).toEqual([...order(behaviourKeys, BEHAVIOURS.map((b) => b.code))].sort((a, b) => a - b));
    expect(d.heatmap).toBeNull();
    expect(d.repeatOffenders).toEqual([]);
    const hrefs = [d.behaviour, d.client, d.channel, d.department].flatMap((b) => b.buckets.map((x) => x.href));
    expect(hrefs.every((h) => h === null)).toBe(true);
    expect(JSON.stringify(d)).not.toMatch(/ABC商事|XYZ物産|リピート商事|同じ内容の電話|<3/);
  });

  it("shows any other period as its total and its months only, a period in progress up to its last finished month", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=FY2026", EXECUTIVE);
    expect(d.comparison).toMatchObject({ inProgress: true, current: ["2026-04-01", "2026-10-31"], previous: ["2025-04-01", "2025-10-31"] });
    expect(d.trend.points.map((p) => p.month)).toEqual(["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]);
    expect([d.channel.buckets, d.department.buckets, d.behaviour.buckets, d.adherence]).toEqual([[], [], [], []]);
    expect(d.headline.kasuhara).toBeNull();
    const q = dashboard(db, "period=2025-Q3", EXECUTIVE);
    expect(q.channel.buckets).toEqual([]);
    expect(q.trend.points.map((p) => p.total)).toEqual(["χ", 0, 0]); // F and G in July: 2, hidden
  });

  it("shows no breakdowns for a finished year with a month under 3 incidents: its total would give that month away", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=FY2025", EXECUTIVE);
    expect(d.headline.incidents).toBe("χ");
    expect([d.channel.buckets, d.department.buckets]).toEqual([[], []]);
    expect(d.trend.points.filter((p) => p.total !== 0).every((p) => p.total === "χ")).toBe(true);
  });

  it("refuses a range of days, filters other than the department, and a department whose count is hidden", () => {
    const db = busyYear();
    const read = (search: string) => executiveQuery(db, new URLSearchParams(search), 4, TODAY);
    expect(read("period=2025-04-18..2026-03-31")).toMatchObject({ notices: ["range"], period: { key: "FY2026" } });
    expect(read("period=FY2025&channel=C2&severity=3").notices).toEqual(["filters"]);
    // 大阪支店 has one incident in FY2025 (B): it cannot be selected.
    const osaka = listDepartments(db).find((x) => x.name === "大阪支店")!.id;
    expect(read(`period=FY2025&department=${osaka}`)).toMatchObject({ department: null, notices: ["department"] });
    expect(read(`period=2025-Q2&department=${osaka}`).notices).toEqual(["departmentFyOnly"]);
  });
});

describe("freshness", () => {
  it("reflects an edit, a new incident and a deletion at the next request, reloading only the months touched", () => {
    const { db, ids } = fixture();
    expect(dashboard(db, "period=FY2025").headline.incidents).toBe(5);
    const cube = cubeFor(db);
    // Move G from July 2025 into FY2026: two months change.
    const g = getIncident(db, ids.G)!;
    updateIncident(db, ids.G, { ...toInput(g), occurred_at: "2026-08-01T10:00:00+09:00", closed_at: "2026-08-02", report_submitted_at: "2026-08-03" }, toInput(g), { today: TODAY });
    expect(cube.refresh()).toBe(2);
    expect(dashboard(db, "period=FY2025").headline.incidents).toBe(4);
    createIncident(db, incidentInput({ occurred_at: "2025-05-05T10:00:00+09:00", reported_at: null, closed_at: "2025-05-06", report_submitted_at: "2025-05-07" }), { today: TODAY });
    deleteIncident(db, ids.A);
    expect(dashboard(db, "period=FY2025").headline.incidents).toBe(4);
    expect(cube.refresh()).toBe(0);
  });
});

describe("the periods a dashboard is compared with (domain.md Comparisons)", () => {
  it("compares a month with the previous month and the same month a year before", () => {
    const { db } = fixture();
    const d = dashboard(db, "period=2025-07");
    expect(d.comparison).toMatchObject({ inProgress: false, previous: ["2025-06-01", "2025-06-30"], yearBefore: ["2024-07-01", "2024-07-31"] });
    expect(d.headline.previous).toEqual({ base: 0, delta: 2, ratio: null }); // F, G in July; none in June
  });

  it("compares a period in progress over the same elapsed span, and counts open cases at today, whenever they began", () => {
    const { db } = fixture();
    // TODAY is 2026-11-21: FY2026 has run 235 days; C, R1, R2, R3 so far.
    const d = dashboard(db, "period=FY2026");
    expect(d.comparison).toEqual({
      inProgress: true,
      current: ["2026-04-01", TODAY],
      previous: ["2025-04-01", "2025-11-21"],
      yearBefore: ["2025-04-01", "2025-11-21"],
      asOf: TODAY,
    });
    // A, E, F, G fall in 2025-04-01 … 2025-11-21; B (2026-03-31) does not.
    expect(d.headline.previous).toEqual({ base: 4, delta: 0, ratio: 0 });
    // Open at today: B and E from FY2025, C from this year.
    expect(d.headline.open).toBe(3);
    expect(d.headline.oldestOpenDays).toBe(407); // E: 2025-10-10 → 2026-11-21
    const month = dashboard(db, "period=2026-11");
    expect(month.comparison).toMatchObject({ inProgress: true, previous: ["2026-10-01", "2026-10-21"], yearBefore: ["2025-11-01", "2025-11-21"] });
  });

  it("counts the open cases of months not loaded yet in SQL, to the same figure", () => {
    for (const search of ["period=FY2026", "period=FY2026&channel=C1", "period=2026-Q2&severity=unknown", "period=FY2025&department=unknown", "period=2026-05"]) {
      const { query } = parseDashboardQuery(new URLSearchParams(search), 4, 2026);
      // Every month loaded: the columns count them all.
      const loaded = fixture().db;
      expect(cubeFor(loaded).stale()).toEqual([]);
      const fromColumns = buildDashboard(loaded, query, HR, OPTS).headline;
      // A new connection's cube holds the request's months only: the earlier ones are counted in SQL.
      const fresh = fixture().db;
      const withSql = buildDashboard(fresh, query, HR, OPTS).headline;
      // FY2025's months (B and E, open) are neither FY2026's nor the last twelve months': those come from SQL.
      if (search === "period=FY2026") expect(cubeFor(fresh, dashboardDays(query, HR, TODAY)).fresh([["2025-04-01", "2025-10-31"]])).toBe(false);
      expect([search, withSql.open, withSql.oldestOpenDays]).toEqual([search, fromColumns.open, fromColumns.oldestOpenDays]);
    }
  });
});

describe("an out-of-range period (issue 18)", () => {
  it("is read as a period it cannot read, with the page's message, for HR and executives alike", async () => {
    const { db } = fixture();
    for (const user of [HR, EXECUTIVE]) {
      const r = await loadDashboard(db, user, new URLSearchParams("period=0002-01-01..9999-12-31"), { lang: "ja", today: TODAY });
      expect(r.invalidPeriod).toBe("0002-01-01..9999-12-31");
      expect(r.query.period.key).toBe("FY2026");
    }
  });
});

