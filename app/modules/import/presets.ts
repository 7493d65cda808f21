/**
 * Source presets (issue 16): the exports of the tools HR records incidents in, recognised by their headers. A preset
 * adds what the plain header aliases (columns.ts) cannot know: which of the tool's own columns hold a field (Google
 * Forms' タイムスタンプ is when the report was made), which are the tool's bookkeeping to leave out without a warning
 * (the respondent's メール and 名前: personal data the incident does not need), and how the tool writes several values in
 * one cell (Google Forms joins checkbox answers with ", "). The person importing sees the preset on the mapping screen
 * and may choose another, or none.
 */
import { INCIDENT_FIELDS, type IncidentField } from "../incidents/schema";
import { canonicalHeader, normalizeHeader } from "./columns";

export type PresetId = "msforms" | "googleforms" | "kintone" | "own";
export const PRESET_IDS: readonly PresetId[] = ["msforms", "googleforms", "kintone", "own"];

export interface Preset {
  id: PresetId;
  /** Whether a header row (normalised with normalizeHeader) is this tool's export. */
  matches(headers: ReadonlySet<string>): boolean;
  /** The tool's own columns → a field, or "" to leave out without a warning; keyed by normalised header. */
  columns: Record<string, IncidentField | "">;
  /** Multi-value cells also split on commas (Google Forms writes checkbox answers as `暴言, 威圧`). */
  commaLists?: boolean;
}

const keyed = (entries: Record<string, IncidentField | "">) =>
  Object.fromEntries(Object.entries(entries).map(([h, f]) => [normalizeHeader(h), f]));
const hasAll = (headers: ReadonlySet<string>, names: string[]) => names.every((n) => headers.has(normalizeHeader(n)));

// Microsoft Forms' Excel download: ID, 開始時刻, 完了時刻, メール, 名前 (and 最終変更時刻 when answers may be edited), then one
// column per question. 完了時刻 is when the employee sent the report.
const MS_FORMS: Preset = {
  id: "msforms",
  matches: (h) => hasAll(h, ["開始時刻", "完了時刻"]) || hasAll(h, ["start time", "completion time"]),
  columns: keyed({
    ID: "", 開始時刻: "", 完了時刻: "reported_at", メール: "", 名前: "", 最終変更時刻: "",
    "Start time": "", "Completion time": "reported_at", Email: "", Name: "", "Last modified time": "",
  }),
};

// Google Forms' responses sheet or CSV download: タイムスタンプ first, then メールアドレス when collected, then the questions.
const GOOGLE_FORMS: Preset = {
  id: "googleforms",
  matches: (h) => h.has(normalizeHeader("タイムスタンプ")) || h.has(normalizeHeader("Timestamp")),
  columns: keyed({ タイムスタンプ: "reported_at", Timestamp: "reported_at", メールアドレス: "", "Email Address": "", スコア: "", Score: "" }),
  commaLists: true,
};

// kintone's CSV export (UTF-8 or Shift_JIS): the record number ($id, or レコード番号 with field names as headers) is
// stable within the app, so it is the ref that makes a re-import of the same app find its incidents; the creator,
// updater and their times are kintone's bookkeeping.
const KINTONE: Preset = {
  id: "kintone",
  matches: (h) => h.has("$id") || (h.has(normalizeHeader("レコード番号")) && (h.has(normalizeHeader("作成日時")) || h.has(normalizeHeader("更新日時")))),
  columns: keyed({
    $id: "ref", レコード番号: "ref", $revision: "", 作成者: "", 作成日時: "", 更新者: "", 更新日時: "", 作業者: "",
    Creator: "", Created_datetime: "", Updater: "", Updated_datetime: "", Assignee: "",
  }),
};

// This app's own CSV export: every field under its canonical header.
const CANONICAL = INCIDENT_FIELDS.map((f) => normalizeHeader(canonicalHeader(f)));
const OWN: Preset = {
  id: "own",
  matches: (h) => CANONICAL.filter((c) => h.has(c)).length >= CANONICAL.length - 2,
  columns: {},
};

const PRESETS: readonly Preset[] = [OWN, KINTONE, MS_FORMS, GOOGLE_FORMS];

export function presetById(id: string | null | undefined): Preset | null {
  return PRESETS.find((p) => p.id === id) ?? null;
}

/** The preset whose export this header row is, if any. */
export function detectPreset(headers: readonly string[]): Preset | null {
  const set = new Set(headers.map(normalizeHeader));
  return PRESETS.find((p) => p.matches(set)) ?? null;
}

/**
 * The preset's columns as overrides keyed by the header as written in the file, for mapColumns. The user's own
 * choices (overrides) win over the preset's.
 */
export function presetOverrides(preset: Preset, headers: readonly string[]): Record<string, IncidentField | ""> {
  const out: Record<string, IncidentField | ""> = Object.create(null);
  for (const h of headers) {
    const field = preset.columns[normalizeHeader(h)];
    if (field !== undefined) out[h] = field;
  }
  return out;
}
