/** Reading the user-admin forms: the fields of a user, validated; errors per field as dictionary keys. */
import { formStrings, parseForm, type Parsed } from "../forms";
import { userFieldsSchema, type UserFields } from "./schema";

export const USER_FORM_FIELDS = ["email", "displayName", "role", "department"] as const;
export type UserFormValues = Record<(typeof USER_FORM_FIELDS)[number], string>;

export function readUserForm(form: FormData): { values: UserFormValues } & Parsed<UserFields, UserFormValues> {
  const values = formStrings(form, USER_FORM_FIELDS);
  return { values, ...parseForm(userFieldsSchema, values) };
}
