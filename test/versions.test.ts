import { describe, expect, it } from "vitest";
import { createIncident } from "../app/modules/incidents/mutations.server";
import { incidentInput, memoryDb } from "./helpers";

describe("row versions (migration 0018)", () => {
  it("moves an incident's version on with every update, whoever writes it", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput());
    const version = () => (db.$client.prepare("select version from incidents where id = ?").get(id) as { version: number }).version;
    expect(version()).toBe(1);
    db.$client.prepare("update incidents set severity = 3 where id = ?").run(id);
    expect(version()).toBe(2);
    db.$client.prepare("update incidents set severity = 4 where id = ?").run(id);
    expect(version()).toBe(3);
    // A compare-and-set that moves the version itself is not moved again.
    db.$client.prepare("update incidents set severity = 2, version = 4 where id = ? and version = 3").run(id);
    expect(version()).toBe(4);
  });

  it("does the same for measures, whose key is a code", () => {
    const db = memoryDb();
    db.$client.prepare("insert or ignore into measures (code) values ('M_TEST')").run();
    const before = (db.$client.prepare("select version from measures where code = 'M_TEST'").get() as { version: number }).version;
    db.$client.prepare("update measures set status = 'partial' where code = 'M_TEST'").run();
    expect(db.$client.prepare("select version from measures where code = 'M_TEST'").get()).toEqual({ version: before + 1 });
  });
});
