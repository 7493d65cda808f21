/** Reading the user-admin forms: the fields of a user, validated; errors per field as dictionary keys. */
import { AppError } from "../errors";
import { formErrors, formStrings, userFieldsSchema, type FormErrors, type UserFields } from "./schema";

export const USER_FORM_FIELDS = ["email", "displayName", "role", "department"] as const;
export type UserFormValues = Record<(typeof USER_FORM_FIELDS)[number], string>;

export type UserFormResult = { ok: true; fields: UserFields; values: UserFormValues } | { ok: false; errors: FormErrors; values: UserFormValues };

export function readUserForm(form: FormData): UserFormResult {
  const values = formStrings(form, USER_FORM_FIELDS);
  const parsed = userFieldsSchema.safeParse(values);
  return parsed.success ? { ok: true, fields: parsed.data, values } : { ok: false, errors: formErrors(parsed.error), values };
}

/** An AppError from users.server (e-mail taken, self-demotion) as a form error on the field it concerns. */
export function userErrorToForm(e: unknown): FormErrors | null {
  if (!(e instanceof AppError)) return null;
  const field = e.userMessage === "auth.errors.emailTaken" ? "email" : e.userMessage === "auth.errors.selfDemotion" ? "role" : "_form";
  return { [field]: { key: e.userMessage } };
}
