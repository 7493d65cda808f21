import { describe, expect, it } from "vitest";
import { translate } from "~/i18n";
import { parseIncidentForm, validateIncident, type FieldErrors } from "~/modules/incidents/schema";
import { incidentInput, TODAY } from "./helpers";

/** The form's strings for a valid incident; tests change one or two. */
function form(overrides: Record<string, string | string[]> = {}) {
  return {
    ref: "", occurred_at: "2025-04-01T10:30", reported_at: "", department: "東京本店", in_tokyo: "yes", channel: "C1",
    client: "ABC商事", counterparty_type: "P2", customer_identified: "yes", validity: "V1", behaviours: ["MA02"],
    legal_flags: [], severity: "2", duration_min: "30", contact_count: "1", responders: "2", recorded: "yes",
    summary: "来店して大声で担当者を罵倒した。", verbatim: "", determination: "D1", responses: [], care: [],
    outcome: "O1", status: "open", closed_at: "", report_submitted_at: "", prevention: "",
    ...overrides,
  };
}

const ja = (errors: FieldErrors, field: keyof FieldErrors) => {
  const m = errors[field];
  return m ? translate("ja", m.key, m.params) : undefined;
};

describe("the incident form", () => {
  it("accepts a valid incident and types every field", () => {
    const r = parseIncidentForm(form({ legal_flags: ["L06"], responses: ["R01", "R02"] }), TODAY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      occurred_at: "2025-04-01T10:30:00+09:00", in_tokyo: true, channel: "C1", severity: 2, responders: 2,
      behaviours: ["MA02"], legal_flags: ["L06"], responses: ["R01", "R02"], ref: null, verbatim: null, status: "open",
    });
  });

  it("keeps a date whose time was left at 00:00 as a date", () => {
    const r = parseIncidentForm(form({ occurred_at: "2025-04-01T00:00" }), TODAY);
    expect(r.ok && r.value.occurred_at).toBe("2025-04-01");
  });

  it("rejects a date after today with the reason in Japanese", () => {
    const r = parseIncidentForm(form({ occurred_at: "2026-11-22T09:00" }), TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(ja(r.errors, "occurred_at")).toBe("未来の日付は入力できません(本日: 2026-11-21)。");
  });

  it("accepts today itself", () => {
    expect(parseIncidentForm(form({ occurred_at: "2026-11-21T23:59" }), TODAY).ok).toBe(true);
  });

  it("rejects a closed incident without a closed date", () => {
    const r = parseIncidentForm(form({ status: "closed" }), TODAY);
    expect(!r.ok && ja(r.errors, "closed_at")).toBe("状況が「終了」の場合は終了日を入力してください。");
  });

  it("rejects closing before it occurred, but allows closing the same day", () => {
    const r = parseIncidentForm(form({ status: "closed", closed_at: "2025-03-31" }), TODAY);
    expect(!r.ok && ja(r.errors, "closed_at")).toBe("終了日が発生日より前になっています。");
    expect(parseIncidentForm(form({ occurred_at: "2025-04-01T23:30", status: "closed", closed_at: "2025-04-01" }), TODAY).ok).toBe(true);
  });

  it("rejects fewer than one responder and a non-number", () => {
    const zero = parseIncidentForm(form({ responders: "0" }), TODAY);
    expect(!zero.ok && ja(zero.errors, "responders")).toBe("対応人数は1名以上で入力してください。");
    const text = parseIncidentForm(form({ responders: "two" }), TODAY);
    expect(!text.ok && ja(text.errors, "responders")).toBe("整数で入力してください。");
    const negative = parseIncidentForm(form({ duration_min: "-5" }), TODAY);
    expect(!negative.ok && ja(negative.errors, "duration_min")).toBe("整数で入力してください。");
  });

  it("requires the occurrence date, the channel and at least one behaviour, and says so for each at once", () => {
    const r = parseIncidentForm(form({ occurred_at: "", channel: "", behaviours: [] }), TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(ja(r.errors, "occurred_at")).toBe("必須項目です。");
    expect(ja(r.errors, "channel")).toBe("必須項目です。");
    expect(ja(r.errors, "behaviours")).toBe("行為類型を1つ以上選択してください。");
  });

  it("reports field and cross-field errors together, and keeps what was typed", () => {
    const r = parseIncidentForm(form({ responders: "0", status: "closed", summary: "残す" }), TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["closed_at", "responders"]);
    expect(r.values.summary).toBe("残す");
  });

  it("rejects codes that are not in the taxonomy and impossible dates", () => {
    const r = parseIncidentForm(form({ channel: "C7", behaviours: ["MA99"], closed_at: "2025-02-30" }), TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.channel?.key).toBe("error.invalidCode");
    expect(r.errors.behaviours?.key).toBe("error.invalidCode");
    expect(r.errors.closed_at?.key).toBe("error.invalidDate");
  });

  it("rejects a report to the supervisor before the incident", () => {
    const r = parseIncidentForm(form({ reported_at: "2025-04-01T09:00" }), TODAY);
    expect(!r.ok && ja(r.errors, "reported_at")).toBe("発生日時より前の日付は入力できません。");
  });
});

describe("the typed gate in front of every write", () => {
  it("accepts the test incident", () => {
    expect(validateIncident(incidentInput(), TODAY).ok).toBe(true);
  });

  it("refuses what the database must never hold", () => {
    const cases = [
      [{ occurred_at: "2027-01-01" }, "occurred_at"],
      [{ responders: 0 }, "responders"],
      [{ status: "closed" as const, closed_at: null }, "closed_at"],
      [{ behaviours: [] }, "behaviours"],
      [{ severity: 5 }, "severity"],
      [{ channel: "phone" }, "channel"],
      [{ occurred_at: "2025/04/01" }, "occurred_at"],
    ] as const;
    for (const [override, field] of cases) {
      const r = validateIncident(incidentInput(override as never), TODAY);
      expect(r.ok, JSON.stringify(override)).toBe(false);
      expect(!r.ok && Object.keys(r.errors)).toContain(field);
    }
  });
});
