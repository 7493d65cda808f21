/**
 * The policy register's form (issue 20): what a new policy version accepts, validated with zod (messages are dictionary
 * keys), and which version is in force in a period. No server imports: the page's component uses it too.
 */
import { z } from "zod";
import { msg, pastDay, plainText } from "../validation";
import { isHttpUrl } from "./schema";

export const POLICY_TITLE_MAX = 200;
export const POLICY_VERSION_MAX = 50;
export const POLICY_PLACE_MAX = 100;
export const POLICY_PLACES_MAX = 20;
export const POLICY_NOTES_MAX = 1000;
export const POLICY_URL_MAX = 2000;

export const POLICY_FIELDS = ["title", "version", "adoptedOn", "announcedOn", "places", "url", "notes"] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

const oneLine = (max: number) =>
  plainText()
    .transform((s) => s.replace(/\s+/g, " ").trim())
    .pipe(
      z
        .string()
        .min(1, { message: msg("policy.errors.required") })
        .max(max, { message: msg("policy.errors.tooLong", { n: max }) }),
    );

/** One place a line; blank lines dropped, duplicates kept once. */
const places = plainText({ multiline: true })
  .transform((s) => [...new Set(s.split(/\r\n?|\n/).map((l) => l.replace(/\s+/g, " ").trim()).filter(Boolean))])
  .superRefine((list, ctx) => {
    if (list.length > POLICY_PLACES_MAX) ctx.addIssue({ code: "custom", message: msg("policy.errors.tooMany", { n: POLICY_PLACES_MAX }) });
    if (list.some((p) => p.length > POLICY_PLACE_MAX)) ctx.addIssue({ code: "custom", message: msg("policy.errors.tooLong", { n: POLICY_PLACE_MAX }) });
  });

const url = plainText()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .max(POLICY_URL_MAX, { message: msg("policy.errors.tooLong", { n: POLICY_URL_MAX }) })
      .refine((s) => s === "" || isHttpUrl(s), { message: msg("registers.errors.url") }),
  )
  .transform((s) => (s === "" ? null : s));

const notes = plainText({ multiline: true })
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().max(POLICY_NOTES_MAX, { message: msg("policy.errors.tooLong", { n: POLICY_NOTES_MAX }) }))
  .transform((s) => (s === "" ? null : s));

export function policySchema(today: string) {
  return z
    .object({
      title: oneLine(POLICY_TITLE_MAX),
      version: oneLine(POLICY_VERSION_MAX),
      adoptedOn: pastDay(today, "policy.errors.required"),
      announcedOn: pastDay(today, null),
      places,
      url,
      notes,
    })
    .refine((v) => !v.adoptedOn || !v.announcedOn || v.announcedOn >= v.adoptedOn, {
      path: ["announcedOn"],
      message: msg("policy.errors.announcedBeforeAdopted"),
    })
    .transform((v) => ({ ...v, adoptedOn: v.adoptedOn! }));
}
export type PolicyInput = z.infer<ReturnType<typeof policySchema>>;

/**
 * The versions that matter for a period: the one in force on its first day (the latest adopted before it) and every
 * one adopted during it. `versions` in any order; returned oldest first.
 */
export function versionsForPeriod<T extends { adoptedOn: string; id: number }>(versions: readonly T[], from: string, to: string): T[] {
  const sorted = [...versions].sort((a, b) => a.adoptedOn.localeCompare(b.adoptedOn) || a.id - b.id);
  const before = sorted.filter((v) => v.adoptedOn < from);
  const during = sorted.filter((v) => v.adoptedOn >= from && v.adoptedOn <= to);
  return [...before.slice(-1), ...during];
}
