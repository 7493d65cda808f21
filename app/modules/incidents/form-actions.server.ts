/** What the create and edit routes share: the form's choices and turning a submission into a saved incident. */
import type { Db } from "../../../db/client.server";
import { todayInTokyo } from "./dates";
import { type FieldErrors, formDataToRaw, type IncidentInput, parseIncidentForm } from "./schema";
import { ValidationFailed } from "./mutations.server";
import { listClientNames, listDepartments } from "./queries.server";
import type { FormValues } from "./form-values";

export function formChoices(db: Db): { departments: string[]; clients: string[] } {
  return { departments: listDepartments(db).map((d) => d.name), clients: listClientNames(db) };
}

export type SubmitResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: FormValues };

/** Parses the form and runs `write` with the typed incident; validation failures come back as field errors. */
export function submitIncidentForm<T>(form: FormData, write: (input: IncidentInput, today: string) => T): SubmitResult<T> {
  const raw = formDataToRaw(form);
  const values = raw as FormValues;
  const today = todayInTokyo();
  const parsed = parseIncidentForm(raw, today);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, values };
  try {
    return { ok: true, value: write(parsed.value, today) };
  } catch (e) {
    if (e instanceof ValidationFailed) return { ok: false, errors: e.fieldErrors, values };
    throw e;
  }
}
