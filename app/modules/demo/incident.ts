/**
 * One demo incident: who and how (an ordinary profile or a repeat offender's stage), then everything a record
 * carries, drawn so that the codes, the texts and the dates agree with each other and with the validation rules.
 */
import type { IncidentInput } from "../incidents/schema";
import type {
  BehaviourCode,
  CareCode,
  ChannelCode,
  CounterpartyCode,
  LegalFlagCode,
  OutcomeCode,
  ResponseCode,
  ValidityCode,
} from "../incidents/taxonomy";
import { dayText, pad } from "../incidents/dates";
import { CLIENT_WEIGHTS, DEPARTMENT_WEIGHTS, departmentNamed, type Department, type Stage } from "./catalogue";
import {
  BEHAVIOUR_COUNT,
  BEHAVIOURS_BY_CHANNEL,
  CHANNELS_BY_KIND,
  CONTACTS_PERSISTENT,
  COUNTERPARTY_BY_KIND,
  FACE_TO_FACE,
  HOURS_BY_CHANNEL,
  IN_PERSON,
  LEGITIMATE_BEHAVIOURS,
  LIVE,
  PERSISTENT_SHARE,
  SEVERITY,
  VALIDITY,
} from "./mixes";
import type { ActiveOffender } from "./plan";
import type { Rng, Weighted } from "./random";
import {
  LEGITIMATE_CLOSING,
  LEGITIMATE_SUMMARY,
  LEGITIMATE_VERBATIM,
  OFFENDER_NOTE,
  OFFENDER_NOTE_CORPORATE,
  PLACE,
  PREVENTION,
  PREVENTION_BAN,
  PREVENTION_CONTRACT,
  PREVENTION_POLICE,
  SUMMARY,
  VERBATIM,
} from "./texts";

/** Minutes since the epoch of Tokyo wall-clock time → stored date-time (JST has no daylight saving, so UTC arithmetic on it is exact). */
function dateTimeText(minutes: number): string {
  const d = new Date(minutes * 60_000);
  return `${dayText(Math.floor(minutes / 1440))}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00+09:00`;
}

export type Draft = Omit<IncidentInput, "ref">;

interface Profile {
  department: Department;
  channel: ChannelCode;
  client: string | null;
  counterparty: CounterpartyCode;
  identified: boolean;
  legitimate: boolean;
  severity: number;
  behaviours: BehaviourCode[];
  validity: ValidityCode;
  offender?: { stage: Stage; ban: "R08" | "R09" };
}

export function ordinaryProfile(rng: Rng): Profile {
  const department = rng.weighted(DEPARTMENT_WEIGHTS);
  const channel = rng.weighted(CHANNELS_BY_KIND[department.kind]);
  const counterparty = rng.weighted(COUNTERPARTY_BY_KIND[department.kind]);
  const candidates = CLIENT_WEIGHTS[counterparty];
  // Companies come back; most individual complainants are one-off and go unnamed in the client register, so a
  // named individual with dozens of incidents is one of the escalating offenders, not noise.
  const namedShare = counterparty === "P2" || counterparty === "P3" ? 0.9 : 0.1;
  const client = candidates && rng.chance(namedShare) ? rng.weighted(candidates) : null;
  const legitimate = rng.chance(0.07);
  const severity = legitimate ? 1 : rng.weighted(SEVERITY);
  return {
    department,
    channel,
    client,
    counterparty,
    identified: client ? rng.chance(0.97) : rng.chance(0.55),
    legitimate,
    severity,
    behaviours: legitimate ? legitimateBehaviours(rng) : harassingBehaviours(rng, channel, severity),
    validity: legitimate ? "V0" : rng.weighted(VALIDITY),
  };
}

function legitimateBehaviours(rng: Rng): BehaviourCode[] {
  const main = rng.weighted(LEGITIMATE_BEHAVIOURS);
  return rng.chance(0.3) ? [main, "MA05"] : [main];
}

function harassingBehaviours(rng: Rng, channel: ChannelCode, severity: number): BehaviourCode[] {
  const set = new Set<BehaviourCode>();
  if (severity === 4) set.add(IN_PERSON.has(channel) && rng.chance(0.7) ? "MA01" : "MA02");
  if (rng.chance(PERSISTENT_SHARE)) set.add("MA05");
  const wanted = Math.max(set.size, rng.weighted(BEHAVIOUR_COUNT));
  const options = BEHAVIOURS_BY_CHANNEL[channel];
  while (set.size < wanted) set.add(rng.weighted(options));
  return [...set];
}

const OFFENDER_SEVERITY: Record<Stage, Weighted<number>> = {
  warned: [[1, 50], [2, 45], [3, 5]],
  cut_off: [[1, 5], [2, 60], [3, 35]],
  banned: [[2, 35], [3, 45], [4, 20]],
};

export function offenderProfile(rng: Rng, o: ActiveOffender, n: number): Profile {
  const progress = (n - o.start) / (o.end - o.start + 1);
  const stage: Stage = progress < 0.45 ? "warned" : progress < 0.75 ? "cut_off" : "banned";
  const channel = rng.weighted(o.channels);
  const severity = rng.weighted(OFFENDER_SEVERITY[stage]);
  const behaviours = new Set<BehaviourCode>(["MA05"]);
  const extra = rng.int(1, 2);
  while (behaviours.size < 1 + extra) behaviours.add(rng.weighted(o.behaviours));
  if (severity === 4 && IN_PERSON.has(channel)) behaviours.add("MA01");
  // A detaining or filming complaint needs the channel for it; the offender's other habits cover the rest.
  if (!LIVE.has(channel)) behaviours.delete("MA06");
  if (!FACE_TO_FACE.has(channel)) behaviours.delete("MA11");
  return {
    department: departmentNamed(o.department),
    channel,
    client: o.client,
    counterparty: o.type,
    identified: true,
    legitimate: false,
    severity,
    behaviours: [...behaviours],
    validity: rng.chance(0.6) ? "V1" : "V2",
    offender: { stage, ban: o.ban },
  };
}

function legalFlags(rng: Rng, p: Profile): LegalFlagCode[] {
  const has = (b: BehaviourCode) => p.behaviours.includes(b);
  const scale = [0, 0.3, 0.6, 1, 1.5][p.severity];
  const maybe = (q: number) => rng.chance(q * scale);
  const flags = new Set<LegalFlagCode>();
  if (has("MA01")) {
    flags.add("L01");
    if (p.severity === 4 && rng.chance(0.35)) flags.add("L02");
  }
  if (has("MA02")) {
    if (maybe(0.15)) flags.add("L03");
    if (maybe(0.08)) flags.add("L06");
  }
  if (has("MA10") && maybe(0.35)) flags.add("L05");
  if ((has("MA04") || has("MB02")) && has("MA03") && maybe(0.15)) flags.add("L04");
  if (has("MA06")) {
    if (IN_PERSON.has(p.channel) && maybe(0.3)) flags.add("L08");
    else if (maybe(0.15)) flags.add("L07");
  }
  if (has("MA05") && p.severity >= 3 && maybe(0.15)) flags.add("L07");
  if (p.severity === 4 && flags.size === 0 && rng.chance(0.9)) flags.add(rng.pick(["L03", "L07"] as const));
  return [...flags];
}

function durationOf(rng: Rng, p: Profile): number {
  const detaining = p.behaviours.includes("MA06");
  switch (p.channel) {
    case "C2":
      return detaining ? rng.int(60, 240) : rng.int(5, 45);
    case "C1":
    case "C3":
      return detaining ? rng.int(60, 180) : rng.int(10, 60);
    case "C6":
      return rng.int(30, 90);
    default:
      return rng.int(10, 60);
  }
}

function respondersOf(rng: Rng, p: Profile): number {
  if (p.channel === "C2") return rng.weighted([[1, 70], [2, 30]]);
  if (p.channel === "C4" || p.channel === "C5" || p.channel === "C9") return rng.weighted([[1, 50], [2, 50]]);
  return rng.weighted([[1, 15], [2, 60], [3, 20], [4, 5]]);
}

/** The outcome the case is heading for (or ended with), and the organisational responses that go with it. */
function resolve(rng: Rng, p: Profile, responders: number, reported: boolean): { outcome: OutcomeCode; responses: ResponseCode[] } {
  const r = new Set<ResponseCode>();
  if (responders >= 2 && rng.chance(0.9)) r.add("R01");
  if (reported ? rng.chance(0.65) : rng.chance(0.9)) r.add("R02");
  const has = (b: BehaviourCode) => p.behaviours.includes(b);
  if (has("MA10") && rng.chance(0.7)) r.add("R11");
  if (has("MA06") && IN_PERSON.has(p.channel) && rng.chance(0.6)) r.add("R05");

  if (p.offender) {
    const { stage, ban } = p.offender;
    if (stage === "warned") {
      r.add("R03");
      return { outcome: rng.weighted([["O1", 40], ["O2", 45], ["O9", 15]]), responses: [...r] };
    }
    if (stage === "cut_off") {
      r.add("R04");
      if (rng.chance(0.5)) r.add("R03");
      return { outcome: "O3", responses: [...r] };
    }
    r.add(ban);
    if (p.severity === 4 && IN_PERSON.has(p.channel)) {
      r.add("R06");
      return { outcome: "O5", responses: [...r] };
    }
    if (rng.chance(0.2)) r.add("R07");
    if (ban === "R09" && rng.chance(0.3)) r.add("R10");
    return { outcome: "O4", responses: [...r] };
  }

  if (p.legitimate) return { outcome: rng.weighted([["O1", 85], ["O2", 10], ["O9", 5]]), responses: [...r] };
  if (p.severity >= 2 && rng.chance(0.45)) r.add("R03");
  if (p.severity === 4 && IN_PERSON.has(p.channel) && rng.chance(0.7)) {
    r.add("R06");
    return { outcome: "O5", responses: [...r] };
  }
  // Threats at a distance go to the police consultation line rather than 110.
  if (p.severity >= 3 && rng.chance(p.severity === 4 ? 0.6 : 0.2)) r.add("R07");
  const outcome = rng.weighted<OutcomeCode>([["O1", 30], ["O2", 28], ["O3", 25], ["O4", 4], ["O6", 1.5], ["O9", 4]]);
  if (outcome === "O3") r.add("R04");
  if (outcome === "O4") r.add(p.counterparty === "P2" || p.counterparty === "P3" ? "R09" : "R08");
  if (outcome === "O6") r.add("R10");
  return { outcome, responses: [...r] };
}

function careOf(rng: Rng, p: Profile, flags: LegalFlagCode[]): CareCode[] {
  if (p.severity < 3) return rng.chance(0.08) ? ["W02"] : [];
  // Some serious cases go without recorded care, so the care adherence rate has something to show.
  if (!rng.chance(0.85)) return [];
  const care = new Set<CareCode>();
  if ((IN_PERSON.has(p.channel) || p.behaviours.includes("MA01")) && rng.chance(0.7)) care.add("W01");
  if (rng.chance(0.8)) care.add("W02");
  if (rng.chance(0.35)) care.add("W03");
  if ((p.offender?.stage === "banned" && rng.chance(0.5)) || rng.chance(0.1)) care.add("W04");
  if (flags.includes("L02")) {
    if (rng.chance(0.5)) care.add("W05");
    if (rng.chance(0.4)) care.add("W06");
  }
  if (care.size === 0) care.add("W02");
  return [...care];
}

function pickText(rng: Rng, table: Record<string, readonly string[]>, code: string, phone: boolean): string {
  return rng.pick((phone && table[`${code}:phone`]) || table[code]);
}

function summaryOf(rng: Rng, p: Profile): string {
  const place = PLACE[p.channel];
  const phone = p.channel === "C2";
  if (p.legitimate) return rng.pick(LEGITIMATE_SUMMARY).replace("{place}", place) + LEGITIMATE_CLOSING;
  // The most telling behaviour leads; MA05 is so common that it reads better as the second sentence.
  const [main, second] = p.behaviours.length > 1 && p.behaviours[0] === "MA05" ? [p.behaviours[1], "MA05" as const] : p.behaviours;
  let text = pickText(rng, SUMMARY, main, phone).replace("{place}", place);
  if (second) text += "また、" + pickText(rng, SUMMARY, second, phone).replace("{place}", "");
  if (p.offender) text += p.offender.stage === "banned" && p.offender.ban === "R09" ? OFFENDER_NOTE_CORPORATE : OFFENDER_NOTE[p.offender.stage];
  return text;
}

function verbatimOf(rng: Rng, p: Profile): string | null {
  if (rng.chance(0.08)) return null;
  if (p.legitimate) return `「${rng.pick(LEGITIMATE_VERBATIM)}」`;
  const phone = p.channel === "C2";
  return rng
    .sample(p.behaviours, rng.int(1, 2))
    .map((b) => `「${pickText(rng, VERBATIM, b, phone)}」`)
    .join("");
}

function preventionOf(rng: Rng, p: Profile, responses: ResponseCode[]): string | null {
  if (p.legitimate || !rng.chance(0.4)) return null;
  if (responses.includes("R08") || responses.includes("R09")) return PREVENTION_BAN;
  if (responses.includes("R06") || responses.includes("R07")) return PREVENTION_POLICE;
  if (p.behaviours.includes("MB04") && (p.counterparty === "P2" || p.counterparty === "P3")) return PREVENTION_CONTRACT;
  return rng.pick(PREVENTION);
}

/** Written reports (policy step ⑤): the deadline is 7 days, so "late" and "missing" show up in adherence. */
const REPORT_DELAY: Weighted<"prompt" | "late" | "missing"> = [["prompt", 75], ["late", 12], ["missing", 13]];
const CLOSE_DELAY: Weighted<readonly [number, number]> = [[[0, 0], 30], [[1, 3], 25], [[4, 14], 25], [[15, 45], 15], [[46, 120], 5]];

export function buildIncident(rng: Rng, n: number, untilN: number, p: Profile): Draft {
  const occurred = n * 1440 + rng.weighted(HOURS_BY_CHANNEL[p.channel]) * 60 + rng.int(0, 59);
  const age = untilN - n;

  const reportKind = rng.weighted([["hours", 78], ["next_day", 10], ["late", 5], ["missing", 7]] as const);
  const delay =
    reportKind === "hours" ? rng.int(10, 180) : reportKind === "next_day" ? rng.int(600, 1440) : rng.int(1441, 8640);
  const reportedAt = reportKind === "missing" || (occurred + delay) / 1440 >= untilN + 1 ? null : dateTimeText(occurred + delay);

  const responders = respondersOf(rng, p);
  const flags = legalFlags(rng, p);
  const { outcome, responses } = resolve(rng, p, responders, reportedAt !== null);

  const closed = age > 60 || rng.chance(0.25 + (0.65 * age) / 60);
  let determination = p.legitimate ? "D2" : "D1";
  if (!closed && !p.offender && !p.legitimate && age <= 45 && rng.chance(0.4)) determination = "D9";
  const [minClose, maxClose] = rng.weighted(CLOSE_DELAY);
  const closedAt = closed ? dayText(n + Math.min(age, rng.int(minClose, maxClose))) : null;

  const submission = rng.weighted(REPORT_DELAY);
  const submitDay = submission === "prompt" ? n + rng.int(0, 7) : submission === "late" ? n + rng.int(8, 30) : null;

  const persistent = p.behaviours.includes("MA05");
  const recorded = rng.chance(p.channel === "C4" || p.channel === "C5" ? 0.97 : p.channel === "C2" ? 0.9 : 0.7);

  return {
    occurred_at: dateTimeText(occurred),
    reported_at: reportedAt,
    department: p.department.name,
    in_tokyo: p.department.in_tokyo,
    channel: p.channel,
    client: p.client,
    counterparty_type: p.counterparty,
    customer_identified: p.identified,
    validity: p.validity,
    behaviours: p.behaviours,
    legal_flags: flags,
    severity: p.severity,
    duration_min: durationOf(rng, p),
    contact_count: persistent ? rng.weighted(CONTACTS_PERSISTENT) + (p.offender ? 2 : 0) : rng.weighted([[1, 80], [2, 20]]),
    responders,
    recorded,
    summary: summaryOf(rng, p),
    verbatim: verbatimOf(rng, p),
    determination,
    responses,
    care: careOf(rng, p, flags),
    outcome: closed ? outcome : rng.chance(0.85) ? "O7" : null,
    status: closed ? "closed" : "open",
    closed_at: closedAt,
    report_submitted_at: submitDay !== null && submitDay <= untilN ? dayText(submitDay) : null,
    prevention: closed ? preventionOf(rng, p, responses) : null,
  };
}
