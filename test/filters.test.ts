import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { clients } from "../db/schema";
import { emptyFilters, listQueryToSearch, MAX_FILTER_VALUES, parseListQuery, type IncidentFilters } from "~/modules/incidents/filters";
import { createIncident } from "~/modules/incidents/mutations.server";
import { getIncident, listIncidents } from "~/modules/incidents/queries.server";
import type { IncidentInput } from "~/modules/incidents/schema";
import { parsePeriod } from "~/modules/reports/periods";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const parse = (search: string) => parseListQuery(new URLSearchParams(search));
const roundTrip = (search: string) => parse(listQueryToSearch(parse(search)).slice(1));

describe("many values of one filter (issue 18)", () => {
  it("keeps the first MAX_FILTER_VALUES distinct ones and says it did", () => {
    const many = Array.from({ length: 899 }, (_, i) => `client_id=${i + 1}`).join("&");
    const q = parse(many);
    expect(q.filters.clientId).toEqual(Array.from({ length: MAX_FILTER_VALUES }, (_, i) => i + 1));
    expect(q.capped).toBe(true);
    const repeated = parse(Array.from({ length: 500 }, () => "channel=C2").join("&"));
    expect([repeated.filters.channel, repeated.capped]).toEqual([["C2"], false]);
  });
});

describe("the drill-down params in the URL", () => {
  it("reads and writes client_id, unknown values, weekday and hour", () => {
    const search =
      "department=3&department=unknown&client_id=12&client_id=7&outcome=unknown&outcome=O3&severity=3&severity=unknown" +
      "&determination=unknown&weekday=0&weekday=6&hour=0&hour=23&hour=unknown";
    const q = parse(search);
    expect(q.filters).toMatchObject({
      clientId: [12, 7],
      departmentId: [3, null],
      severity: [3, null],
      outcome: [null, "O3"],
      determination: [null],
      weekday: [0, 6],
      hour: [0, 23, null],
    });
    // Canonical already, so it is written back exactly as it came.
    expect(listQueryToSearch(q)).toBe(`?${search}`);
    expect(roundTrip(search)).toEqual(q);
  });

  it("writes each new param as documented", () => {
    const f = (over: Partial<IncidentFilters>) => listQueryToSearch({ filters: { ...emptyFilters(), ...over } });
    expect(f({ clientId: [5] })).toBe("?client_id=5");
    // The dashboard's 不明 and その他 client bars: no client, and a client outside the top ones.
    expect(f({ clientId: [null] })).toBe("?client_id=unknown");
    expect(f({ clientNot: [3, 8] })).toBe("?client_not=3&client_not=8");
    expect(parse("client_id=unknown&client_id=2&client_not=3&client_not=8").filters).toMatchObject({ clientId: [null, 2], clientNot: [3, 8] });
    expect(f({ departmentId: [null] })).toBe("?department=unknown");
    expect(f({ severity: [3, null] })).toBe("?severity=3&severity=unknown");
    expect(f({ outcome: [null] })).toBe("?outcome=unknown");
    expect(f({ determination: ["D1", null] })).toBe("?determination=D1&determination=unknown");
    expect(f({ weekday: [1] })).toBe("?weekday=1");
    expect(f({ hour: [14] })).toBe("?hour=14");
    expect(f({ hour: [null] })).toBe("?hour=unknown");
    expect(f({ period: parsePeriod("FY2025"), weekday: [1], hour: [9] })).toBe("?period=FY2025&weekday=1&hour=9");
    expect(f({})).toBe("");
  });

  it("drops values it cannot read, like the other params", () => {
    const q = parse(
      "client_id=0&client_id=abc&client_id=4&client_not=x&client_not=-2&weekday=7&weekday=Mon&weekday=-1&weekday=3" +
        "&hour=24&hour=1.5&hour=1e1&hour=&hour=09&department=Unknown&department=x&severity=5&severity=UNKNOWN" +
        "&channel=unknown&behaviour=unknown&status=unknown",
    );
    expect(q.filters).toMatchObject({
      clientId: [4], clientNot: [], weekday: [3], hour: [9], departmentId: [], severity: [], channel: [], behaviour: [], status: [],
    });
  });

  it("reads URLs written before the new params exactly as before", () => {
    const old = [
      "period=FY2025&department=3&client=ABC&behaviour=MA05&channel=C2&outcome=O3&severity=3&status=open&determination=D1&q=電話&sort=severity_desc&page=2",
      "department=1&department=2&severity=1&severity=4",
      "client=ABC",
      "",
    ];
    for (const search of old) {
      const q = parse(search);
      expect(q.filters).toMatchObject({ clientId: [], weekday: [], hour: [] });
      expect(listQueryToSearch(q)).toBe(search ? `?${new URLSearchParams(search).toString()}` : "");
    }
    expect(parse(old[0]).filters).toMatchObject({
      departmentId: [3], client: "ABC", behaviour: ["MA05"], channel: ["C2"], outcome: ["O3"], severity: [3], status: ["open"],
      determination: ["D1"], q: "電話",
    });
    expect(parse(old[1]).filters).toMatchObject({ departmentId: [1, 2], severity: [1, 4] });
  });
});

describe("listing by the drill-down filters", () => {
  // occurred_at         Tokyo weekday / hour   department  client                   sev   outcome  det.  behaviour
  // A 2025-04-07 10:30  Mon 10                 東京本店    ABC商事                  2     O1       D1    MA05
  // B 2025-04-06 23:30  Sun 23                 大阪支店    ABC商事ホールディングス  3     O3       D1    MA02
  // C 2025-04-07 00:10  Mon 0                  -           -                        -     -        -     MB02
  // D 2025-04-08        Tue (date only)        東京本店    XYZ物産                  3     -        D9    MA05
  // E 2025-04-12 23:59  Sat 23                 -           ABC商事                  -     O1       -     MA02
  // F 2025-03-31 10:45  Mon 10 (FY2024)        東京本店    ＡＢＣ商事               2     O1       D1    MA02
  function fixture() {
    const db = memoryDb();
    const rows: Record<string, Partial<IncidentInput>> = {
      A: { occurred_at: "2025-04-07T10:30:00+09:00", department: "東京本店", client: "ABC商事", severity: 2, outcome: "O1", determination: "D1", behaviours: ["MA05"] },
      B: { occurred_at: "2025-04-06T23:30:00+09:00", department: "大阪支店", client: "ABC商事ホールディングス", severity: 3, outcome: "O3", determination: "D1", behaviours: ["MA02"] },
      C: { occurred_at: "2025-04-07T00:10:00+09:00", department: null, client: null, severity: null, outcome: null, determination: null, behaviours: ["MB02"] },
      D: { occurred_at: "2025-04-08", department: "東京本店", client: "XYZ物産", severity: 3, outcome: null, determination: "D9", behaviours: ["MA05"] },
      E: { occurred_at: "2025-04-12T23:59:00+09:00", department: null, client: "ABC商事", severity: null, outcome: "O1", determination: null, behaviours: ["MA02"] },
      F: { occurred_at: "2025-03-31T10:45:00+09:00", department: "東京本店", client: "ＡＢＣ商事", severity: 2, outcome: "O1", determination: "D1", behaviours: ["MA02"] },
    };
    const ids: Record<string, number> = {};
    for (const [ref, r] of Object.entries(rows)) {
      ids[ref] = createIncident(
        db,
        incidentInput({ ref, reported_at: null, status: "open", closed_at: null, report_submitted_at: null, ...r }),
        { today: TODAY },
      );
    }
    const clientId = (name: string) => db.select().from(clients).where(eq(clients.name, name)).get()!.id;
    const departmentOf = (ref: string) => getIncident(db, ids[ref])!.departmentId!;
    /** The refs listed for a URL search, sorted, and checked against the count. */
    const refs = (search: string) => {
      const page = listIncidents(db, parse(search));
      expect(page.rows).toHaveLength(page.total);
      return page.rows.map((r) => r.ref).sort().join("");
    };
    const total = (search: string) => listIncidents(db, parse(search)).total;
    return { db, ids, clientId, departmentOf, refs, total };
  }

  it("matches client_id exactly, where client is a substring of the normalised name", () => {
    const { clientId, refs, total } = fixture();
    const abc = clientId("ABC商事");
    expect(refs(`client_id=${abc}`)).toBe("AEF");
    expect(refs("client=ABC商事")).toBe("ABEF");
    expect(refs(`client_id=${clientId("ABC商事ホールディングス")}`)).toBe("B");
    expect(refs(`client_id=${abc}&client_id=${clientId("XYZ物産")}`)).toBe("ADEF");
    // Both given: AND, as across any two params.
    expect(refs(`client_id=${abc}&client=xyz`)).toBe("");
    expect(total("client_id=9999")).toBe(0);
  });

  it("lists incidents without a department, severity, outcome or determination under unknown", () => {
    const { departmentOf, refs, total } = fixture();
    const tokyo = departmentOf("A");
    expect(refs("department=unknown")).toBe("CE");
    expect(refs(`department=${tokyo}&department=unknown`)).toBe("ACDEF");
    expect(refs(`department=${departmentOf("B")}`)).toBe("B");
    expect(refs("severity=unknown")).toBe("CE");
    expect(refs("severity=3&severity=unknown")).toBe("BCDE");
    expect(refs("severity=3")).toBe("BD");
    expect(refs("outcome=unknown")).toBe("CD");
    expect(refs("outcome=O3&outcome=unknown")).toBe("BCD");
    expect(refs("determination=unknown")).toBe("CE");
    expect(refs("determination=D9&determination=unknown")).toBe("CDE");
    // OR within a param, AND across them.
    expect(refs("severity=unknown&outcome=unknown")).toBe("C");
    expect(refs(`department=unknown&severity=2`)).toBe("");
    expect(total("")).toBe(6);
  });

  it("filters by the Tokyo weekday of the day it occurred", () => {
    const { refs } = fixture();
    expect(refs("weekday=1")).toBe("ACF"); // 2025-04-07 and 2025-03-31 are Mondays, C at 00:10 on the Monday
    expect(refs("weekday=0")).toBe("B"); // 23:30 on Sunday 6 April, Tokyo time
    expect(refs("weekday=2")).toBe("D"); // a date without a time still has a weekday
    expect(refs("weekday=6")).toBe("E");
    expect(refs("weekday=0&weekday=6")).toBe("BE");
    expect(refs("weekday=3")).toBe("");
  });

  it("filters by the Tokyo hour, and by the lack of one", () => {
    const { refs } = fixture();
    expect(refs("hour=10")).toBe("AF");
    expect(refs("hour=23")).toBe("BE");
    expect(refs("hour=0")).toBe("C");
    expect(refs("hour=unknown")).toBe("D");
    expect(refs("hour=10&hour=unknown")).toBe("ADF");
    expect(refs("weekday=1&hour=10")).toBe("AF");
    expect(refs("hour=14")).toBe("");
  });

  it("combines them with the period and behaviour filters", () => {
    const { clientId, refs } = fixture();
    expect(refs("period=FY2025&weekday=1")).toBe("AC");
    expect(refs("period=FY2024&weekday=1&hour=10")).toBe("F");
    expect(refs("period=2025-04-06..2025-04-06&hour=23")).toBe("B");
    expect(refs("period=2025-04-07..2025-04-07&hour=23")).toBe("");
    expect(refs("behaviour=MA02&weekday=1")).toBe("F");
    expect(refs("behaviour=MA02&hour=23")).toBe("BE");
    expect(refs("period=FY2025&behaviour=MA05&hour=unknown")).toBe("D");
    expect(refs("period=FY2025&behaviour=MA02&severity=unknown")).toBe("E");
    expect(refs(`period=FY2025&behaviour=MA02&client_id=${clientId("ABC商事")}`)).toBe("E");
    expect(refs("period=FY2025&department=unknown&determination=unknown&weekday=1&hour=0")).toBe("C");
  });
});
