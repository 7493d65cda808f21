/** The settings an admin may change (domain.md: fiscal-year start, suppression threshold; the national date). */
import { z } from "zod";
import { msg } from "../validation";

/** A whole number typed in any width ("１２" is 12); not what Number() also reads ("0x0C", "1e1", "12.0", ""). */
const whole = (min: number, max: number, key: "settings.errors.month" | "settings.errors.threshold" | "settings.errors.deadline") =>
  z
    .string({ message: msg(key) })
    .transform((s) => s.normalize("NFKC").trim())
    .refine((s) => /^\d{1,6}$/.test(s), { message: msg(key) })
    .transform(Number)
    .pipe(z.number().min(min, { message: msg(key) }).max(max, { message: msg(key) }));

export const settingsSchema = z.object({
  fiscalYearStartMonth: whole(1, 12, "settings.errors.month"),
  suppressionThreshold: whole(1, 20, "settings.errors.threshold"),
  nationalObligationDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: msg("error.invalidDate") })
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
      message: msg("error.invalidDate"),
    }),
  writtenReportDeadlineDays: whole(0, 365, "settings.errors.deadline"),
  /** Empty: personal data is never erased automatically. */
  retentionYears: z
    .string()
    .trim()
    .refine((s) => s === "" || (/^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 50), { message: msg("settings.errors.retention") })
    .transform((s) => (s === "" ? null : Number(s))),
});
export type SettingsInput = z.infer<typeof settingsSchema>;
export const SETTINGS_FIELDS = ["fiscalYearStartMonth", "suppressionThreshold", "nationalObligationDate", "writtenReportDeadlineDays", "retentionYears"] as const;
