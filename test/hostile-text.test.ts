/**
 * The one rule on what free text may hold (app/modules/validation.ts), as every form and the importer apply it: no
 * NUL or other C0/C1 control character (tab and line breaks only in multi-line fields), no lone surrogate, no U+FFFD
 * (what invalid UTF-8 in a form body decodes to); and a body that is not a form is a 400, never a 500.
 */
import { describe, expect, it } from "vitest";
import { changePasswordSchema, signInSchema, userFieldsSchema } from "~/modules/auth/schema";
import { fieldErrorsOf } from "~/modules/forms";
import { consultationSchema, EMPTY_CONSULTATION_FORM } from "~/modules/consultations/schema";
import { BodyTooLarge, readForm, readMultipartForm, safeReturnTo, toThrowable } from "~/modules/http.server";
import { mapColumns } from "~/modules/import/columns";
import { readRow, rowLayout } from "~/modules/import/rows";
import { reportFieldOf, reportFormInput, reportFormSchema } from "~/modules/incidents/report-schema";
import { INCIDENT_FIELDS, parseIncidentForm } from "~/modules/incidents/schema";
import { measureSchema, trainingSchema } from "~/modules/registers/schema";
import { settingsSchema } from "~/modules/settings/schema";
import { decodeMessage, hasForbiddenCharacters } from "~/modules/validation";
import { incidentInput, memoryDb, TODAY } from "./helpers";
import { createIncident } from "~/modules/incidents/mutations.server";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { toMarkdown } from "~/modules/reports/render";
import { parsePeriod } from "~/modules/reports/periods";

const FORBIDDEN = ["\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\u009f", "\uFFFD", "\uFFFE", "\uD800", "\uDC00"];
const keyOf = (m: { key: string } | undefined) => m?.key;
const firstKey = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }, field: string) =>
  r.error?.issues.filter((i) => i.path[0] === field).map((i) => decodeMessage(i.message).key)[0];

describe("hasForbiddenCharacters", () => {
  it("refuses control characters, lone surrogates and U+FFFD; lets tab and line breaks through only in multi-line text", () => {
    for (const c of FORBIDDEN) {
      expect(hasForbiddenCharacters(`前${c}後`), JSON.stringify(c)).toBe(true);
      expect(hasForbiddenCharacters(`前${c}後`, true), JSON.stringify(c)).toBe(true);
    }
    for (const c of ["\t", "\n", "\r"]) {
      expect(hasForbiddenCharacters(`前${c}後`)).toBe(true);
      expect(hasForbiddenCharacters(`前${c}後`, true)).toBe(false);
    }
    for (const ok of ["東京本店", "ＡＢＣ商事", "😀 emoji (a surrogate pair)", "«ü»", "\u3000全角空白", "𠮷野家"]) expect(hasForbiddenCharacters(ok)).toBe(false);
  });
});

describe("every form's free text", () => {
  const incident = (overrides: Record<string, string>) => {
    const raw: Record<string, string | string[]> = Object.fromEntries(INCIDENT_FIELDS.map((f) => [f, ""]));
    Object.assign(raw, { occurred_at: "2025-04-01T10:00", channel: "C1", behaviours: ["MA05"], status: "open" }, overrides);
    return parseIncidentForm(raw, TODAY);
  };

  it("incident: refuses them in every text field with its own message, keeps lines in the long ones", () => {
    for (const field of ["ref", "department", "client", "summary", "verbatim", "prevention"]) {
      for (const c of FORBIDDEN) {
        const r = incident({ [field]: `前${c}後` });
        expect(r.ok ? undefined : keyOf(r.errors[field as "ref"]), `${field} ${JSON.stringify(c)}`).toBe("error.forbiddenCharacters");
      }
    }
    expect(incident({ summary: "一行目\r\n二行目\tタブ" }).ok).toBe(true);
    const oneLine = incident({ client: "ABC\t商事" });
    expect(oneLine.ok ? undefined : keyOf(oneLine.errors.client)).toBe("error.forbiddenCharacters");
    // Numbers, dates and codes keep their own messages for garbage.
    const garbage = incident({ responders: "1\u0000", occurred_at: "2025-04-01\u0000", channel: "C1\u0000" });
    expect(garbage.ok ? {} : { r: keyOf(garbage.errors.responders), o: keyOf(garbage.errors.occurred_at), c: keyOf(garbage.errors.channel) }).toEqual({
      r: "error.integer", o: "error.invalidDate", c: "error.invalidCode",
    });
  });

  it("users, sign-in and passwords", () => {
    const user = userFieldsSchema.safeParse({ email: "a\u0000@example.jp", displayName: "山田\u0007", role: "hr", department: "総務\uFFFD" });
    expect(user.success ? {} : fieldErrorsOf(user.error.issues)).toMatchObject({
      email: { key: "error.forbiddenCharacters" }, displayName: { key: "error.forbiddenCharacters" }, department: { key: "error.forbiddenCharacters" },
    });
    expect(firstKey(userFieldsSchema.safeParse({ email: `${"a".repeat(300)}@example.jp`, displayName: "", role: "hr", department: "" }), "email")).toBe("auth.errors.email");
    expect(signInSchema.safeParse({ email: "a\uFFFD@b.jp", password: "x" }).success).toBe(false);
    expect(signInSchema.safeParse({ email: "a@b.jp", password: "pass\u0000word" }).success).toBe(true); // never told apart from a wrong one
    const password = changePasswordSchema.safeParse({ current: "old-password-1", next: "new\u0007password-1", confirm: "x".repeat(201) });
    expect([firstKey(password, "next"), firstKey(password, "confirm")]).toEqual(["error.forbiddenCharacters", "auth.errors.passwordLong"]);
  });

  it("consultations, measures, training, the incident report", () => {
    const consultation = consultationSchema(TODAY).safeParse({ ...EMPTY_CONSULTATION_FORM, receivedOn: "2025-04-01", route: "phone", employeeRef: "E\u0000", followUp: "a\r\nb\u0008" });
    expect([firstKey(consultation, "employeeRef"), firstKey(consultation, "followUp")]).toEqual(["error.forbiddenCharacters", "error.forbiddenCharacters"]);
    expect(consultationSchema(TODAY).safeParse({ ...EMPTY_CONSULTATION_FORM, receivedOn: "2025-04-01", route: "phone", followUp: "一\r\n二\t三" }).success).toBe(true);
    const measure = measureSchema(TODAY).safeParse({ status: "in_place", evidenceText: "x\u001f", evidenceUrl: "https://example.jp/\u0000", inPlaceOn: "", reviewedOn: "", updatedBy: "\uFFFD" });
    expect(["evidenceText", "evidenceUrl", "updatedBy"].map((f) => firstKey(measure, f))).toEqual(Array(3).fill("error.forbiddenCharacters"));
    const training = trainingSchema(TODAY).safeParse({ heldOn: "2025-04-01", title: "研修\u0000", attendees: "1", invited: "2", notes: "\u0085" });
    expect(["title", "notes"].map((f) => firstKey(training, f))).toEqual(["error.forbiddenCharacters", "error.forbiddenCharacters"]);

    const form = new FormData();
    form.set("whatHappened", "何が\u0000");
    form.set("owner_3", "担当\uFFFD");
    form.set("due_3", "2025-13-45");
    const input = reportFormInput(form);
    const report = reportFormSchema.safeParse(input);
    expect(report.success ? {} : fieldErrorsOf(report.error.issues, reportFieldOf(input))).toEqual({
      whatHappened: { key: "error.forbiddenCharacters" }, owner_3: { key: "error.forbiddenCharacters" }, due_3: { key: "error.invalidDate" },
    });
  });

  it("settings: whole numbers only, not whatever Number() reads", () => {
    const base = { fiscalYearStartMonth: "4", suppressionThreshold: "5", nationalObligationDate: "2026-04-01", writtenReportDeadlineDays: "30", retentionYears: "" };
    expect(settingsSchema.safeParse(base).success).toBe(true);
    expect(settingsSchema.safeParse({ ...base, fiscalYearStartMonth: "４" }).success).toBe(true);
    for (const bad of ["0x4", "4e0", "4.0", "", " ", "4\u0000", "-4"]) expect(settingsSchema.safeParse({ ...base, fiscalYearStartMonth: bad }).success, bad).toBe(false);
  });
});

describe("the importer's rows", () => {
  const headers = ["発生日時", "発生場面", "行為類型", "部署", "概要"];
  const layout = rowLayout(mapColumns(headers), headers);
  const row = (department: string, summary: string) => readRow(["2025-04-01", "C1", "MA01", department, summary], layout, TODAY);

  it("refuses a NUL or control character, says garbled for U+FFFD, keeps lines in long text, and quotes only the start of a long cell", () => {
    expect(row("本店", "a\u0000b")).toMatchObject({ ok: false, errors: [{ column: "概要", message: { key: "error.forbiddenCharacters" } }] });
    expect(row("本店", "a\uFFFDb")).toMatchObject({ ok: false, errors: [{ column: "概要", message: { key: "import.garbled" } }] });
    expect(row("本\u0007店", "")).toMatchObject({ ok: false, errors: [{ column: "部署", message: { key: "error.forbiddenCharacters" } }] });
    // A line break typed into a one-line cell in Excel (Alt+Enter) becomes a space; in long text it stays.
    expect(row("東京\n本店", "一行目\n二行目")).toMatchObject({ ok: true, input: { department: "東京 本店", summary: "一行目\n二行目" } });
    const long = row("本店", `${"長".repeat(10_000)}\u0000`);
    expect(long.ok ? 0 : long.errors[0].value.length).toBeLessThanOrEqual(201);
  });

  it("treats a header called __proto__ or constructor as an unknown column", () => {
    const m = mapColumns(["__proto__", "constructor", "toString", "発生日時", "発生場面", "行為類型"]);
    expect(m.fields).toEqual([null, null, null, "occurred_at", "channel", "behaviours"]);
    expect(m.unknown).toEqual(["__proto__", "constructor", "toString"]);
  });
});

describe("reading a posted form", () => {
  const request = (body: BodyInit, type?: string) =>
    new Request("http://localhost/x", { method: "POST", body, headers: type ? { "Content-Type": type } : {} });
  const status = async (p: Promise<unknown>) => {
    try {
      await p;
      return 200;
    } catch (e) {
      // What the server answers: an AppError becomes its Response there (scripts/server.ts).
      const thrown = toThrowable(e);
      return thrown instanceof Response ? thrown.status : 500;
    }
  };

  it("answers 400 for a body that is not a form or that carries a file, and reads invalid UTF-8 as U+FFFD", async () => {
    expect(await status(readForm(request("a=b", "text/plain")))).toBe(400);
    expect(await status(readForm(request("--x\r\ngarbage", "multipart/form-data; boundary=x")))).toBe(400);
    const withFile = new FormData();
    withFile.set("summary", new File(["x"], "x.txt"));
    expect(await status(readForm(request(withFile)))).toBe(400);
    const form = await readForm(request("a=%FF%FE&b=%00", "application/x-www-form-urlencoded"));
    expect([form.get("a"), form.get("b")]).toEqual(["\uFFFD\uFFFD", "\u0000"]);
  });

  it("follows only same-site paths, encoded for the Location header", () => {
    expect(safeReturnTo("/incidents?q=東京")).toBe("/incidents?q=%E6%9D%B1%E4%BA%AC");
    expect(safeReturnTo("/a\u0000b")).toBe("/a%00b");
    // The last three: paths the URL parser makes "//evil.example/…" (issue 18: the raw text passed the old check).
    for (const off of ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", "javascript:alert(1)", "", "/.//evil.example/phish", "/..//x", "/%2e//x"]) {
      expect(safeReturnTo(off), off).toBe("/");
    }
  });
});

describe("the Markdown report (issue 18)", () => {
  it("keeps department names and refs as text: no HTML and no link reaches a renderer", () => {
    const db = memoryDb();
    const names = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "A|B *C* `D`"];
    for (const [i, department] of names.entries()) {
      createIncident(db, incidentInput({ department, ref: `<b>R-${i}</b>`, occurred_at: "2025-05-01T10:00:00+09:00", reported_at: null, closed_at: "2025-05-02", report_submitted_at: null }), { today: TODAY });
    }
    const md = toMarkdown(buildComplianceReport(db, parsePeriod("2025-05")!, { audience: "hr", lang: "ja", today: TODAY, settings: { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" } }), "ja");
    // No raw tag, and no "](" that a renderer would take for a link (an escaped "\\]" is text).
    expect(md).not.toMatch(/<img|<b>|(?<!\\)\]\(javascript:/);
    expect(md).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(md).toContain("\\[x\\](javascript:alert(1))");
    // A table row keeps its columns: the | inside a name is escaped.
    expect(md).toContain("A\\|B \\*C\\* \\`D\\`");
  });
});

describe("reading a form with files (issue 18)", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://x/", { method: "POST", body, headers });
  it("takes file names with = ; and quotes, which the Remix parser refused", async () => {
    for (const name of ["a=b.csv", "x;y.csv", "台帳=2024;旧.csv", 'q"uote.csv']) {
      const fd = new FormData();
      fd.append("file", new File(["a,b\n"], name));
      expect(((await readMultipartForm(post(fd), 10_000)).get("file") as File).name).toBe(name);
    }
  });

  it("stops at the limit, whatever the declared length, and answers a malformed body with the 400 page", async () => {
    const big = new FormData();
    big.append("file", new File(["x".repeat(20_000)], "big.csv"));
    await expect(readMultipartForm(post(big), 10_000)).rejects.toBeInstanceOf(BodyTooLarge);
    // Sent in chunks with no length: the bytes read decide.
    const body = await new Response(big).arrayBuffer();
    const type = new Response(big).headers.get("Content-Type")!;
    const chunked = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(body)); c.close(); } });
    await expect(readMultipartForm(new Request("http://x/", { method: "POST", body: chunked, headers: { "Content-Type": type }, duplex: "half" } as RequestInit), 10_000)).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(readMultipartForm(post("--x\r\ngarbage", { "Content-Type": "multipart/form-data; boundary=x" }), 10_000)).rejects.toMatchObject({ status: 400 });
  });
});

