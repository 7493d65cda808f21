import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { incidents, measures, settings } from "../db/schema";
import { demoWindow, generateDemo, incidentStream, type DemoData } from "~/modules/demo/generate";
import { createRng } from "~/modules/demo/random";
import { seedDemo } from "~/modules/demo/seed.server";
import { daysBetween } from "~/modules/incidents/dates";
import { validateIncident, type IncidentInput } from "~/modules/incidents/schema";
import { MEASURES } from "~/modules/incidents/taxonomy";

const UNTIL = "2026-11-21";

function take<T>(it: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const x of it) {
    if (out.length === n) break;
    out.push(x);
  }
  return out;
}

function countBy(incidents: IncidentInput[], key: (i: IncidentInput) => string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of incidents) for (const k of key(i)) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe("random", () => {
  it("repeats for the same seed and stays in range", () => {
    const a = createRng("s", 1);
    const b = createRng("s", 1);
    const xs = Array.from({ length: 100 }, () => a.int(3, 7));
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.int(3, 7)));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
    expect(createRng("t", 1).next()).not.toBe(createRng("s", 1).next());
    expect(new Set(createRng("s").sample([1, 2, 3, 4, 5], 3)).size).toBe(3);
  });
});

describe("generateDemo", () => {
  let demo: DemoData;
  beforeAll(() => {
    demo = generateDemo({ seed: "test", until: UNTIL });
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const first = (seed: string) => take(incidentStream({ seed, incidents: 3000, years: 3, until: UNTIL }), 50);
    expect(first("test")).toEqual(demo.incidents.slice(0, 50));
    expect(first("test")).toEqual(first("test"));
    expect(first("other")).not.toEqual(first("test"));
  });

  it("makes about the requested number of incidents", () => {
    expect(demo.incidents.length).toBeGreaterThan(3000 * 0.85);
    expect(demo.incidents.length).toBeLessThan(3000 * 1.15);
  });

  it("stays inside the window of whole fiscal years and never after until", () => {
    const { from } = demoWindow(UNTIL, 3);
    expect(from).toBe("2024-04-01");
    const days = demo.incidents.map((i) => i.occurred_at.slice(0, 10)).sort();
    expect(days[0] >= from).toBe(true);
    expect(days[0] < "2024-04-08").toBe(true);
    expect(days[days.length - 1] <= UNTIL).toBe(true);
    for (const i of demo.incidents) {
      for (const d of [i.reported_at, i.closed_at, i.report_submitted_at]) if (d) expect(d.slice(0, 10) <= UNTIL).toBe(true);
      expect(i.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+09:00$/);
    }
    for (const t of demo.training) expect(t.held_on >= from && t.held_on <= UNTIL).toBe(true);
  });

  it("produces only incidents that pass validation", () => {
    const invalid = demo.incidents.filter((i) => !validateIncident(i, UNTIL).ok);
    expect(invalid).toEqual([]);
  });

  it("numbers refs sequentially within each fiscal year", () => {
    const refs = demo.incidents.map((i) => i.ref!);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs[0]).toBe("KH-2024-00001");
    expect(refs).toContain("KH-2025-00001");
    const fy2025 = refs.filter((r) => r.startsWith("KH-2025-"));
    expect(fy2025[fy2025.length - 1]).toBe(`KH-2025-${String(fy2025.length).padStart(5, "0")}`);
  });

  it("has MA05 as the most frequent behaviour", () => {
    const byBehaviour = [...countBy(demo.incidents, (i) => i.behaviours)].sort((a, b) => b[1] - a[1]);
    expect(byBehaviour[0][0]).toBe("MA05");
  });

  it("has phone and in-person as the main channels", () => {
    const live = demo.incidents.filter((i) => i.channel === "C1" || i.channel === "C2").length;
    expect(live / demo.incidents.length).toBeGreaterThan(0.5);
  });

  it("varies by season: more in December than in February", () => {
    const byMonth = countBy(demo.incidents, (i) => [i.occurred_at.slice(5, 7)]);
    expect(byMonth.get("12")!).toBeGreaterThan(byMonth.get("02")!);
  });

  it("escalates repeat offenders over time", () => {
    const byClient = new Map<string, IncidentInput[]>();
    for (const i of demo.incidents) if (i.client) byClient.set(i.client, [...(byClient.get(i.client) ?? []), i]);
    const escalated = [...byClient.values()].filter((list) => {
      if (list.length < 10) return false;
      const banned = (i: IncidentInput) => i.responses.includes("R08") || i.outcome === "O4";
      return !list.slice(0, 5).some((i) => i.responses.includes("R08")) && list.slice(-3).every(banned);
    });
    expect(escalated.length).toBeGreaterThanOrEqual(1);
  });

  it("closes old incidents and keeps open ones without a closing", () => {
    for (const i of demo.incidents) {
      if (daysBetween(i.occurred_at, UNTIL) > 60) expect(i.status).toBe("closed");
      if (i.status === "open") {
        expect(i.closed_at).toBeNull();
        expect([null, "O7"]).toContain(i.outcome);
      }
    }
    expect(demo.incidents.some((i) => i.status === "open")).toBe(true);
  });

  it("fills the registers", () => {
    expect(demo.departments).toHaveLength(8);
    expect(demo.clients).toHaveLength(40);
    expect(demo.measures.map((m) => m.code)).toEqual(MEASURES.map((m) => m.code));
    expect(demo.measures.some((m) => m.status === "not_yet")).toBe(true);
    const stale = demo.measures.filter((m) => m.reviewed_on && daysBetween(m.reviewed_on, UNTIL) > 365);
    expect(stale.length).toBeGreaterThanOrEqual(1);
    for (const t of demo.training) expect(t.attendees).toBeLessThanOrEqual(t.invited);
    expect(demo.training.length).toBeGreaterThanOrEqual(6);
  });
});

describe("seedDemo", () => {
  it("stores everything in an empty database and refuses a second time", () => {
    const db = openDatabase(":memory:");
    const progress: number[] = [];
    const r = seedDemo(db, { seed: "test", incidents: 600, until: UNTIL, onProgress: (done) => progress.push(done) });
    const count = (table: string) => db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)).n;

    expect(r.incidents).toBe(count("incidents"));
    expect(r.incidents).toBeGreaterThan(600 * 0.8);
    expect(progress[progress.length - 1]).toBe(r.incidents);
    expect(count("departments")).toBe(8);
    expect(r.departments).toBe(8);
    expect(count("clients")).toBe(40);
    expect(count("training_sessions")).toBe(r.training);
    expect(count("incident_codes")).toBeGreaterThan(r.incidents);

    const rows = db.select().from(measures).all();
    expect(rows).toHaveLength(MEASURES.length);
    const g01 = rows.find((m) => m.code === "G01")!;
    expect(g01.status).toBe("in_place");
    expect(g01.evidenceText).toContain("基本方針");
    expect(g01.inPlaceOn).toBe("2025-03-14");
    expect(rows.find((m) => m.code === "N5")!.status).toBe("not_yet");

    expect(() => seedDemo(db, { seed: "test", incidents: 600, until: UNTIL })).toThrow(/already has incidents/);
    expect(count("incidents")).toBe(r.incidents);
    db.$client.close();
  });
});

describe("fiscal year start month", () => {
  it("covers whole fiscal years from the configured month and numbers refs per such year", () => {
    expect(demoWindow(UNTIL, 2, 1)).toEqual({ from: "2025-01-01", to: UNTIL });
    expect(demoWindow("2026-03-31", 1, 10)).toEqual({ from: "2025-10-01", to: "2026-03-31" });
    const demo = generateDemo({ seed: "test", incidents: 400, years: 2, until: UNTIL, fiscalYearStartMonth: 1 });
    const first = demo.incidents[0];
    expect(first.occurred_at >= "2025-01-01").toBe(true);
    expect(first.ref).toBe("KH-2025-00001");
    const firstOf2026 = demo.incidents.find((i) => i.occurred_at >= "2026-01-01")!;
    expect(firstOf2026.ref).toBe("KH-2026-00001");
    for (const t of demo.training) expect(t.held_on >= "2025-01-01" && t.held_on <= UNTIL).toBe(true);
    expect(demo.training.some((t) => t.held_on.startsWith("2025-02") || t.held_on.startsWith("2025-05"))).toBe(true);
    expect(() => generateDemo({ until: UNTIL, fiscalYearStartMonth: 13 })).toThrow(RangeError);
  });

  it("seedDemo follows the fiscal year start month of the settings", () => {
    const db = openDatabase(":memory:");
    db.update(settings).set({ fiscalYearStartMonth: 1 }).run();
    seedDemo(db, { seed: "test", incidents: 300, years: 1, until: UNTIL });
    const first = db.select({ ref: incidents.ref, at: incidents.occurredAt }).from(incidents).orderBy(incidents.occurredAt).limit(1).get()!;
    expect(first.at >= "2026-01-01").toBe(true);
    expect(first.ref).toBe("KH-2026-00001");
    db.$client.close();
  });
});
