/** What the department admin page posts (issue 18), validated with zod; messages are dictionary keys. */
import { z } from "zod";
import { msg, plainText } from "~/modules/validation";
import { TEXT_LIMITS } from "~/modules/incidents/schema";

export const DEPARTMENT_INTENTS = ["create", "rename", "merge", "retire", "reinstate"] as const;
export type DepartmentIntent = (typeof DEPARTMENT_INTENTS)[number];

/** The fields the page's forms post; each intent reads its own. */
export const DEPARTMENT_FORM_FIELDS = ["intent", "id", "version", "name", "into"] as const;
export type DepartmentFormValues = Record<(typeof DEPARTMENT_FORM_FIELDS)[number], string>;

/** A department name as typed: one line, trimmed, at most as long as an incident's department may be. */
export const departmentNameSchema = plainText()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, { message: msg("error.required") })
      .max(TEXT_LIMITS.short, { message: msg("error.tooLong", { max: TEXT_LIMITS.short }) }),
  );

/** A row id or version the page put in a hidden field: anything else is not a form the page sent. */
const positive = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, { message: msg("error.badForm") })
  .transform(Number);

const target = { id: positive, version: positive };

export const departmentActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: departmentNameSchema }),
  z.object({ intent: z.literal("rename"), ...target, name: departmentNameSchema }),
  z.object({
    intent: z.literal("merge"),
    ...target,
    into: z
      .string()
      .min(1, { message: msg("departments.errors.mergeTargetRequired") })
      .pipe(positive),
  }),
  z.object({ intent: z.literal("retire"), ...target }),
  z.object({ intent: z.literal("reinstate"), ...target }),
]);
export type DepartmentAction = z.infer<typeof departmentActionSchema>;
