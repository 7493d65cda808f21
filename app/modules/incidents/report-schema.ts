/**
 * The 是正処置計画書兼報告書 form: what happened, the cause, corrective actions (owner, due date, done) and the
 * supervisor's comment. A draft may be incomplete; submitting needs what happened, the cause and one whole action.
 */
import { z } from "zod";
import type { Message } from "~/i18n";
import type { Comparable } from "../concurrency";
import { fieldErrorsOf } from "../forms";
import { msg, plainText } from "../validation";
import { isValidDay } from "./dates";

export const REPORT_ACTION_ROWS = 8;

/**
 * One corrective action as stored in incident_reports.actions (JSON). `owner` is the name shown (typed free text in
 * rows written before 2026-12-04; since then the chosen user's name), `ownerUserId` the user chosen. `doneOn` (Tokyo
 * day) and `doneBy` (user id) say who marked it done and when; rows written before have neither. Other code (the
 * notifications of overdue actions) reads these field names: keep them.
 */
export interface CorrectiveAction {
  action: string;
  owner: string;
  ownerUserId?: number;
  due: string | null;
  done: boolean;
  doneOn?: string;
  doneBy?: number;
}

export interface ReportFields {
  whatHappened: string | null;
  causeAnalysis: string | null;
  actions: CorrectiveAction[];
  supervisorComment: string | null;
}

const text = (max: number, multiline = true) =>
  plainText({ multiline })
    .transform((s) => s.normalize("NFKC").trim())
    .pipe(z.string().max(max, { message: msg("auth.errors.tooLong", { n: max }) }))
    .transform((s) => (s === "" ? null : s));

// A day that exists: `2025-13-45` has the shape but no date (and `new Date` of it would throw on toISOString).
const day = z
  .string()
  .trim()
  .refine((s) => s === "" || (/^\d{4}-\d{2}-\d{2}$/.test(s) && isValidDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))), {
    message: msg("error.invalidDate"),
  })
  .transform((s) => (s === "" ? null : s));

/** In an action row an empty cell is "", so the row reads the same on the page and in the stored JSON. */
const cell = (max: number) => text(max, false).transform((s) => s ?? "");
const actionRow = z.object({
  action: cell(300),
  owner: cell(100),
  ownerUserId: z.number().int().positive().optional(),
  due: day,
  done: z.boolean(),
});

/** How the owner select posts a user: `user:<id>`; anything else is an owner kept as text (rows from before). */
export const OWNER_USER_PREFIX = "user:";

function ownerOf(posted: string): { owner: string; ownerUserId?: number } {
  const m = /^user:(\d{1,9})$/.exec(posted.trim());
  return m ? { owner: "", ownerUserId: Number(m[1]) } : { owner: posted };
}

export const reportFormSchema = z.object({
  whatHappened: text(4000),
  causeAnalysis: text(4000),
  actions: z.array(actionRow),
  supervisorComment: text(2000),
});

/** The form's fields as strings and checkboxes, rows without any text dropped (`row`: the line it had on the form). */
export function reportFormInput(form: FormData) {
  const actions = Array.from({ length: REPORT_ACTION_ROWS }, (_, i) => ({
    action: String(form.get(`action_${i}`) ?? ""),
    ...ownerOf(String(form.get(`owner_${i}`) ?? "")),
    due: String(form.get(`due_${i}`) ?? ""),
    done: form.get(`done_${i}`) === "on",
    row: i,
  })).filter((a) => a.action.trim() || a.owner.trim() || a.ownerUserId || a.due.trim());
  return {
    whatHappened: String(form.get("whatHappened") ?? ""),
    causeAnalysis: String(form.get("causeAnalysis") ?? ""),
    actions,
    supervisorComment: String(form.get("supervisorComment") ?? ""),
  };
}

/**
 * The form field of an issue's path: a cell of the actions table (`actions.2.owner`) is named by its row on the form
 * (`owner_3`: empty rows are left out of `input.actions`), anything else by its first segment.
 */
export function reportFieldOf(input: ReturnType<typeof reportFormInput>) {
  return (path: readonly PropertyKey[]): string => {
    const [first, index, cellName] = path;
    return first === "actions" && typeof index === "number" ? `${String(cellName)}_${input.actions[index]?.row ?? index}` : String(first);
  };
}

/** What submitting needs beyond a valid draft; field → message. */
export function submissionProblems(f: ReportFields): Record<string, Message> {
  const problems: Record<string, Message> = {};
  if (!f.whatHappened) problems.whatHappened = { key: "incidentReport.errors.whatHappened" };
  if (!f.causeAnalysis) problems.causeAnalysis = { key: "incidentReport.errors.cause" };
  const whole = f.actions.filter((a) => a.action && (a.owner || a.ownerUserId) && a.due);
  if (whole.length === 0) problems.actions = { key: "incidentReport.errors.actions" };
  f.actions.forEach((a, i) => {
    if (a.action && (!(a.owner || a.ownerUserId) || !a.due)) problems[`action_${i}`] = { key: "incidentReport.errors.actionIncomplete" };
  });
  return problems;
}

/**
 * A report as its conflict panel compares it: each text as it is, each action as one line, and the state the form was
 * in (a draft being written, or a submitted report being decided).
 */
export function reportComparable(f: ReportFields, status: string): Comparable {
  return {
    status,
    whatHappened: f.whatHappened ?? "",
    causeAnalysis: f.causeAnalysis ?? "",
    actions: f.actions.map((a) => [a.action, a.owner, a.due ?? "", a.done ? "✓" : ""].filter(Boolean).join(" / ")),
    supervisorComment: f.supervisorComment ?? "",
  };
}

/** Which actions' done state is posted: `done_<i>` for each stored action (the rows of a submitted report). */
export function postedDone(form: FormData, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => form.get(`done_${i}`) === "on");
}

/**
 * Who marked each action done and when: a newly ticked action gets today and the user, one still ticked (the same
 * action on the same line) keeps what it had, an unticked one loses both.
 */
export function stampCompletion(before: readonly CorrectiveAction[], after: readonly CorrectiveAction[], userId: number | null, today: string): CorrectiveAction[] {
  return after.map((a, i) => {
    const { doneOn: _on, doneBy: _by, ...rest } = a;
    if (!a.done) return rest;
    const was = before[i];
    if (was?.done && was.action === a.action) return { ...rest, ...(was.doneOn ? { doneOn: was.doneOn } : {}), ...(was.doneBy ? { doneBy: was.doneBy } : {}) };
    return { ...rest, doneOn: today, ...(userId ? { doneBy: userId } : {}) };
  });
}
