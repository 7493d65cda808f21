/** What users type into the sign-in, password and user-admin forms, validated with zod; messages are dictionary keys. */
import { z } from "zod";
import type { Message } from "~/i18n";
import { msg, plainText } from "~/modules/validation";
import { ROLES } from "./permissions";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

/** NFKC (full-width letters typed by an IME become ASCII), trimmed, lower-cased: the key users are found by. */
export function normalizeEmail(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase();
}

/** The longest e-mail address (RFC 5321); also keeps a pasted page out of the address check. */
export const EMAIL_MAX = 254;

export const emailSchema = plainText()
  .max(EMAIL_MAX, { message: msg("auth.errors.email") })
  .transform(normalizeEmail)
  .pipe(z.string().min(1, { message: msg("auth.errors.emailRequired") }).pipe(z.email({ message: msg("auth.errors.email") })));

export const newPasswordSchema = plainText()
  .min(PASSWORD_MIN, { message: msg("auth.errors.passwordShort", { n: PASSWORD_MIN }) })
  .max(PASSWORD_MAX, { message: msg("auth.errors.passwordLong", { n: PASSWORD_MAX }) });

const optionalText = (max: number) =>
  plainText()
    .transform((s) => s.normalize("NFKC").trim())
    .pipe(z.string().max(max, { message: msg("auth.errors.tooLong", { n: max }) }))
    .transform((s) => (s === "" ? null : s));

const roleSchema = z.enum(ROLES, { message: msg("auth.errors.role") });

/**
 * A user as the admin form and `npm run user -- add` describe one; the department is a name of the department master
 * (as long as an incident's may be).
 */
export const userFieldsSchema = z
  .object({
    email: emailSchema,
    displayName: optionalText(100),
    role: roleSchema,
    department: optionalText(200),
  })
  .refine((u) => u.role !== "supervisor" || u.department !== null, {
    path: ["department"],
    message: msg("auth.errors.supervisorDepartment"),
  });
export type UserFields = z.infer<typeof userFieldsSchema>;

/** Signing in checks only what no account can have (garbled or control characters, a page of text), not the rules. */
export const signInSchema = z.object({
  email: plainText().max(EMAIL_MAX).transform(normalizeEmail),
  password: z.string().max(PASSWORD_MAX),
});

export const changePasswordSchema = z
  .object({
    current: z.string().max(PASSWORD_MAX, { message: msg("auth.errors.passwordLong", { n: PASSWORD_MAX }) }),
    next: newPasswordSchema,
    confirm: z.string().max(PASSWORD_MAX, { message: msg("auth.errors.passwordLong", { n: PASSWORD_MAX }) }),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: msg("auth.errors.confirmMismatch") })
  .refine((v) => v.next !== v.current, { path: ["next"], message: msg("auth.errors.sameAsCurrent") });
