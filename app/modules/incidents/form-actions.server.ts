/** What the create and edit routes share: the form's choices and turning a submission into a saved incident. */
import type { Db } from "../../../db/client.server";
import { todayInTokyo } from "./dates";
import { type FieldErrors, formDataToRaw, type IncidentInput, parseIncidentForm } from "./schema";
import { ValidationFailed } from "./mutations.server";
import { listClientNames } from "./queries.server";
import { departmentOptions, type DepartmentChoice } from "../departments/lookup.server";
import type { FormValues } from "./form-values";
import { incidentScope } from "../auth/permissions";
import type { SessionUser } from "../auth/session.server";

/**
 * The form's choices: the departments of the master to pick from (the active ones, and the edited incident's own,
 * `currentDepartmentId`, even if retired) and client suggestions. A supervisor's department is fixed, so they get no
 * list of the others.
 */
export function formChoices(
  db: Db,
  user: SessionUser,
  currentDepartmentId: number | null = null,
): { departments: DepartmentChoice[]; clients: string[]; lockedDepartment: string | null } {
  const scope = incidentScope(user);
  if (scope.kind === "department") {
    return { departments: [], clients: listClientNames(db, 500, scope.departmentId), lockedDepartment: user.department };
  }
  return { departments: departmentOptions(db, currentDepartmentId), clients: listClientNames(db), lockedDepartment: null };
}

export type SubmitResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: FormValues };

/**
 * Parses the form and runs `write` with the typed incident; validation failures come back as field errors.
 * A supervisor's incident is always their own department's, whatever the form says.
 */
export function submitIncidentForm<T>(
  form: FormData,
  user: SessionUser,
  write: (input: IncidentInput, today: string) => T,
): SubmitResult<T> {
  const raw = formDataToRaw(form);
  if (incidentScope(user).kind === "department") raw.department = user.department ?? "";
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
