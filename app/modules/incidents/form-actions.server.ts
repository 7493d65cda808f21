/** What the create and edit routes share: the form's choices and turning a submission into a saved incident. */
import type { Db } from "../../../db/client.server";
import { todayInTokyo } from "./dates";
import { type FieldErrors, formDataToRaw, type IncidentField, type IncidentInput, parseIncidentForm } from "./schema";
import { updateIncident, ValidationFailed } from "./mutations.server";
import { listClientNames, toInput, type IncidentDetail } from "./queries.server";
import { reachableIncident } from "./access.server";
import { departmentOptions, type DepartmentChoice } from "../departments/lookup.server";
import { toFormValues, type FormValues } from "./form-values";
import { incidentScope } from "../auth/permissions";
import type { Actor } from "../auth/audit.server";
import type { SessionUser } from "../auth/session.server";
import { parseVersion, saveOrConflict, VERSION_FIELD, type Conflict, type Versioned } from "../concurrency";

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

/** A failed save: field errors, or (a stale edit, no field errors) the conflict with what is stored. */
export type SubmitResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: FormValues; conflict?: Conflict };

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


/**
 * The edit page's save: the form as `submitIncidentForm` reads it, written only if the incident is still at the version
 * the form posts (read once the fields are valid; a form without one is a 400). A stale form writes nothing and gets
 * both versions of the fields that differ — the stored one read again, and only if the user may still open it.
 */
export function submitIncidentEdit(db: Db, form: FormData, user: SessionUser, before: IncidentDetail, actor: Actor): SubmitResult<IncidentField[]> {
  const result = submitIncidentForm(form, user, (input, today) =>
    saveOrConflict(
      () => updateIncident(db, before.id, input, toInput(before), { today, actor, version: parseVersion(form.get(VERSION_FIELD)), departments: "listed" }),
      () => toFormValues(input),
      () => storedIncident(db, before.id, user),
    ),
  );
  if (!result.ok) return result;
  const saved = result.value;
  return saved.ok ? { ok: true, value: saved.value } : { ok: false, errors: {}, conflict: saved.conflict, values: formDataToRaw(form) as FormValues };
}

/** The incident as its form shows it now, with its version (one read, so the two agree). */
function storedIncident(db: Db, id: number, user: SessionUser): Versioned {
  const now = db.transaction((tx) => reachableIncident(tx, id, user));
  return { version: now.version, values: toFormValues(toInput(now)) };
}
