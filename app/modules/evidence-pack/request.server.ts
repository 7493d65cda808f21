/**
 * What the evidence-pack form posts, checked: the period and the personal-data checkbox. Shared by the download route
 * (which builds the pack) and the page (which shows why a post was refused, from the code in its URL).
 */
import type { Message } from "~/i18n";
import { can, type Principal } from "../auth/permissions";
import { parsePeriod, type Period } from "../reports/periods";
import { hasForbiddenCharacters } from "../validation";

export const PACK_ERRORS = ["badForm", "forbidden", "badPeriod", "personalData", "adminOnly"] as const;
export type PackError = (typeof PACK_ERRORS)[number];

export function isPackError(s: string | null): s is PackError {
  return !!s && (PACK_ERRORS as readonly string[]).includes(s);
}

export type PackRequest = { ok: true; period: Period; personalData: boolean } | { ok: false; error: PackError };

export function readPackRequest(values: { period: string; personalData: string }, user: Principal, fiscalStartMonth: number): PackRequest {
  if (hasForbiddenCharacters(values.period)) return { ok: false, error: "forbidden" };
  const period = parsePeriod(values.period, fiscalStartMonth);
  if (!period) return { ok: false, error: "badPeriod" };
  if (values.personalData !== "" && values.personalData !== "on") return { ok: false, error: "personalData" };
  const personalData = values.personalData === "on";
  if (personalData && !can(user, "evidencePack.personalData")) return { ok: false, error: "adminOnly" };
  return { ok: true, period, personalData };
}

export function packErrorMessage(error: PackError, period: string): Message {
  switch (error) {
    case "badForm":
      return { key: "error.badForm" };
    case "forbidden":
      return { key: "error.forbiddenCharacters" };
    case "badPeriod":
      return { key: "pack.badPeriod", params: { period: period.slice(0, 40) } };
    case "personalData":
      return { key: "pack.errors.personalData" };
    case "adminOnly":
      return { key: "pack.errors.adminOnly" };
  }
}
