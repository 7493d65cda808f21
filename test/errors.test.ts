/** The one error path (docs/decisions/0013-one-error-path.md) without HTTP: AppError → Response, and forms' replies. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, isAppError } from "~/modules/errors";
import { fieldErrorsOf, formStrings, parseForm, replyOf } from "~/modules/forms";
import { errorResponse, fail, toThrowable } from "~/modules/http.server";
import { reportFieldOf, reportFormInput, reportFormSchema } from "~/modules/incidents/report-schema";
import { msg } from "~/modules/validation";

describe("AppError on its way to a page", () => {
  it("becomes a Response with its status and its message key as the body", async () => {
    const thrown = toThrowable(new AppError(404, "error.incidentNotFound"));
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    expect(await (thrown as Response).text()).toBe("error.incidentNotFound");
  });

  it("carries its parameters as JSON", async () => {
    const res = errorResponse(new AppError(413, "importPage.tooLarge", { params: { max: "50 MB" } }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ key: "importPage.tooLarge", params: { max: "50 MB" } });
  });

  it("is recognised when made by another copy of the module (the server build's own), and nothing else is", () => {
    const copy = Object.assign(new Error("x"), { [Symbol.for("kasuhara.AppError")]: true, status: 409, userMessage: "x" });
    expect(isAppError(copy)).toBe(true);
    expect(isAppError(new Error("x"))).toBe(false);
    const other = new Error("boom");
    expect(toThrowable(other)).toBe(other);
    const response = new Response("error.busy", { status: 503 });
    expect(toThrowable(response)).toBe(response);
  });

  it("is what fail() throws, keeping its cause for the log", () => {
    const cause = new Error("disk");
    try {
      fail(400, "error.badForm", { cause });
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ status: 400, userMessage: "error.badForm", cause });
      return;
    }
    throw new Error("fail() returned");
  });
});

describe("a form's reply", () => {
  it("is the error's message, or its field errors without a summary", () => {
    expect(replyOf(new AppError(409, "import.batch.alreadyUndone"))).toEqual({ error: { key: "import.batch.alreadyUndone" }, fieldErrors: {} });
    const taken = new AppError(409, "auth.errors.emailTaken", { fieldErrors: { email: { key: "auth.errors.emailTaken" } } });
    expect(replyOf(taken, { email: "a@example.com" })).toEqual({
      error: null,
      fieldErrors: { email: { key: "auth.errors.emailTaken" } },
      values: { email: "a@example.com" },
    });
  });

  it("keeps the first message per field, reads a message zod wrote itself as error.invalidCode, and takes out _form", () => {
    const schema = z
      .object({ a: z.string().min(2, { message: msg("error.required") }).regex(/\d/), b: z.number() })
      .refine(() => false, { message: msg("error.badRequest") });
    const values = { a: "x", b: "y" };
    const parsed = parseForm(schema, values);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply).toEqual({ error: null, fieldErrors: { a: { key: "error.required" }, b: { key: "error.invalidCode" } }, values });
    const root = schema.safeParse({ a: "12", b: 1 });
    expect(fieldErrorsOf(root.error!.issues)).toEqual({ _form: { key: "error.badRequest" } });
    const whole = parseForm(schema, { a: "12", b: 1 });
    expect(whole.ok ? null : whole.reply.error).toEqual({ key: "error.badRequest" });
  });

  it("names a cell of the report's action table by its row on the form", () => {
    const form = new FormData();
    form.set("action_2", "電話応対の手順を見直す");
    form.set("due_2", "2026-02-30");
    const input = reportFormInput(form);
    const parsed = reportFormSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrorsOf(parsed.error!.issues, reportFieldOf(input)))).toEqual(["due_2"]);
  });

  it("reads the posted fields as strings, a missing one as empty", () => {
    const form = new FormData();
    form.set("a", "1");
    expect(formStrings(form, ["a", "b"] as const)).toEqual({ a: "1", b: "" });
  });
});
