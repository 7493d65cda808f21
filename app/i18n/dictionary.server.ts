/**
 * Every message of every namespace in both languages. Server-only: the browser receives, in the loaders' data, only the
 * current language's messages of the namespaces its page uses (see `messages` and use-t.ts).
 */
import type { Lang } from "~/modules/incidents/taxonomy";
import { format, langFromCookie, type Messages, type Params } from "./format";
import { api } from "./namespaces/api";
import { audit } from "./namespaces/audit";
import { auth } from "./namespaces/auth";
import { backups } from "./namespaces/backups";
import { chart } from "./namespaces/chart";
import { cli } from "./namespaces/cli";
import { common } from "./namespaces/common";
import { concurrency } from "./namespaces/concurrency";
import { consultations } from "./namespaces/consultations";
import { dashboard } from "./namespaces/dashboard";
import { departments } from "./namespaces/departments";
import { download } from "./namespaces/download";
import { drafts } from "./namespaces/drafts";
import { error } from "./namespaces/error";
import { evidencePack } from "./namespaces/evidencePack";
import { field } from "./namespaces/field";
import { importProblems } from "./namespaces/import";
import { importPage } from "./namespaces/importPage";
import { importProgress } from "./namespaces/importProgress";
import { incident } from "./namespaces/incident";
import { incidentForm } from "./namespaces/incidentForm";
import { incidentReport } from "./namespaces/incidentReport";
import { list } from "./namespaces/list";
import { nav } from "./namespaces/nav";
import { notifications } from "./namespaces/notifications";
import { rates } from "./namespaces/rates";
import { registers } from "./namespaces/registers";
import { report } from "./namespaces/report";
import { reports } from "./namespaces/reports";
import { retention } from "./namespaces/retention";
import { schedules } from "./namespaces/schedules";
import { settings } from "./namespaces/settings";
import { users } from "./namespaces/users";

const NAMESPACES = {
  nav, common, error, field, incidentForm, incident, list, import: importProblems, importPage, importProgress, auth, dashboard, chart, users,
  audit, settings, retention, backups, report, reports, incidentReport, registers, consultations, cli, download, drafts, concurrency, departments,
  notifications, api, schedules, evidencePack, rates,
};

export type Namespace = keyof typeof NAMESPACES;
export type MessageKey = { [N in Namespace]: keyof (typeof NAMESPACES)[N]["ja"] }[Namespace];

function merge(lang: Lang): Record<MessageKey, string> {
  const all: Record<string, string> = {};
  for (const [name, texts] of Object.entries(NAMESPACES)) {
    for (const [key, text] of Object.entries(texts[lang])) {
      // Two namespaces holding one key would make the page's text depend on which namespaces it loaded.
      if (Object.hasOwn(all, key)) throw new Error(`i18n: the key "${key}" of the namespace "${name}" is defined twice`);
      all[key] = text;
    }
  }
  return all as Record<MessageKey, string>;
}

/**
 * What the root and the shared components (header, error page, flash, pager, the kept drafts of every form) use: sent
 * with every page.
 */
export const ROOT_NAMESPACES = ["nav", "common", "error", "drafts"] as const satisfies readonly Namespace[];

/**
 * Keys of other namespaces that a loader or an action throws (`fail`, `AppError`) to the one error boundary: the page
 * that failed sent no messages, so the root sends these with every page. A test checks that every key thrown is here.
 */
export const BOUNDARY_KEYS = [
  "api.errors.tokenNotFound",
  "auth.errors.emailTaken", "auth.errors.selfDemotion", "auth.errors.userNotFound",
  "concurrency.conflict", "concurrency.errors.versionMissing",
  "consultations.notFound",
  "departments.errors.alreadyRetired", "departments.errors.hasActiveUsers", "departments.errors.merged", "departments.errors.mergeSelf",
  "departments.errors.mergeTargetInactive", "departments.errors.mergeTargetMissing", "departments.errors.notFound",
  "departments.errors.notRetired", "departments.errors.stale",
  "evidence.errors.empty", "evidence.errors.tooLarge", "evidence.errors.type", "evidence.notFound",
  "evidence.errors.tooMany", "evidence.errors.noneAdded", "evidence.errors.alreadyRemoved", "evidence.gone", "evidence.errors.content", "evidence.errors.reason",
  "import.batch.alreadyUndone", "import.batch.notFound", "importPage.expired",
  "incidentReport.errors.approved", "incidentReport.errors.notSubmitted", "incidentReport.errors.ownApproval", "incidentReport.errors.submitted",
  "incidentReport.errors.notSubmittedYet", "incidentReport.errors.notYourAction", "incidentReport.errors.invalid",
  "notifications.notFound",
  "list.views.errors.duplicate", "list.views.errors.notFound", "list.views.errors.tooMany", "list.views.errors.unknownIntent",
  "registers.measure.notFound", "reports.badPeriod", "reports.executiveFyOnly", "reports.executiveSmallMonths", "reports.notFound",
  "schedules.notFound",
] as const satisfies readonly MessageKey[];

/** The root loader's messages: the shared namespaces and what the error page may show. */
export function rootMessages(lang: Lang): Messages {
  const out: Record<string, string> = messages(lang, ROOT_NAMESPACES);
  for (const key of BOUNDARY_KEYS) out[key] = dictionaries[lang][key];
  return out;
}

/** The whole dictionary of each language: for the server, the CLI and the tests. */
export const ja = merge("ja");
export const en = merge("en");
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ja, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return format(dictionaries[lang][key] ?? ja[key] ?? key, params);
}

/**
 * One language's messages of some namespaces: what a loader adds to its data (`messages`) for the components of its
 * page. The root sends the shared ones (ROOT_NAMESPACES); a route names only its own.
 */
export function messages(from: Lang | Request, namespaces: readonly Namespace[]): Messages {
  const lang = typeof from === "string" ? from : langFromCookie(from.headers.get("Cookie"));
  const out: Record<string, string> = {};
  for (const name of namespaces) Object.assign(out, NAMESPACES[name][lang]);
  return out;
}
