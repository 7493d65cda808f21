/**
 * Header row → incident fields (docs/spec/csv-import.md "Columns"). Headers match after NFKC, trimming and case
 * folding, so `発生日時`, ` 発生日時 `, `ＯＣＣＵＲＲＥＤ＿ＡＴ` and `occurred_at` are one column.
 */
import { normalizeName } from "../incidents/normalize";
import type { IncidentField } from "../incidents/schema";

/** Canonical Japanese header first, then the accepted aliases. */
export const HEADER_ALIASES: Record<IncidentField, readonly string[]> = {
  ref: ["管理番号", "事案番号", "ID", "ref"],
  occurred_at: ["発生日時", "発生日", "occurred_at", "date"],
  reported_at: ["上長報告日時", "報告日時", "reported_at"],
  department: ["部署", "部署・事業所", "事業所", "店舗", "department"],
  in_tokyo: ["都内業務", "in_tokyo"],
  channel: ["発生場面", "チャネル", "channel"],
  client: ["顧客名", "顧客", "取引先", "client"],
  counterparty_type: ["顧客等区分", "counterparty_type"],
  customer_identified: ["顧客特定", "customer_identified"],
  validity: ["要求内容の妥当性", "妥当性", "validity"],
  behaviours: ["行為類型", "類型", "behaviours", "categories"],
  legal_flags: ["違法行為の疑い", "legal_flags"],
  severity: ["深刻度", "重大度", "severity"],
  duration_min: ["対応時間(分)", "対応時間", "duration_min"],
  contact_count: ["接触回数", "contact_count"],
  responders: ["対応人数", "responders"],
  recorded: ["録音・記録", "録音", "recorded"],
  summary: ["概要", "summary"],
  verbatim: ["具体的言動", "発言内容", "verbatim"],
  determination: ["該当判断", "判断", "determination"],
  responses: ["組織対応", "responses"],
  care: ["就業者ケア", "ケア", "care"],
  outcome: ["対応結果", "結果", "outcome"],
  status: ["状況", "ステータス", "status"],
  closed_at: ["終了日", "完了日", "closed_at"],
  report_submitted_at: ["報告書提出日", "report_submitted_at"],
  prevention: ["再発防止策", "prevention"],
};

export const REQUIRED_FIELDS: readonly IncidentField[] = ["occurred_at", "channel", "behaviours"];

export const normalizeHeader = normalizeName;

const FIELD_BY_HEADER = new Map<string, IncidentField>(
  (Object.entries(HEADER_ALIASES) as [IncidentField, readonly string[]][]).flatMap(([field, aliases]) =>
    aliases.map((a) => [normalizeHeader(a), field] as const),
  ),
);

export function canonicalHeader(field: IncidentField): string {
  return HEADER_ALIASES[field][0];
}

// A form's question often carries a note or a question mark: 行為類型（複数選択可）, 発生日時？, 【必須】発生場面.
const HEADER_NOTES = /^(?:【[^】]*】|\[[^\]]*\])\s*|\s*(?:\([^()]*\)|【[^】]*】)\s*$|[?:]\s*$/g;

/** The field a header names: as written, or without a note or question mark around it. */
export function fieldOfHeader(header: string): IncidentField | null {
  const key = normalizeHeader(header);
  const exact = FIELD_BY_HEADER.get(key);
  if (exact !== undefined) return exact;
  const bare = key.replace(HEADER_NOTES, "").trim();
  return bare && bare !== key ? (FIELD_BY_HEADER.get(bare) ?? null) : null;
}

export interface ColumnMapping {
  /** The field of each column, by position; null for a column that is ignored. */
  fields: (IncidentField | null)[];
  /** Headers that matched no field (ignored, reported as a warning). */
  unknown: string[];
  /** Headers that name a field an earlier column already holds (ignored, reported as a warning). */
  repeated: string[];
  /** Required fields that no column holds: the file cannot be imported. */
  missing: IncidentField[];
}

/**
 * Maps a header row. `overrides` lets the person importing assign an unmatched header to a field (or ignore one),
 * keyed by the header text exactly as it appears in the file.
 */
export function mapColumns(headers: readonly string[], overrides: Record<string, IncidentField | ""> = {}): ColumnMapping {
  const taken = new Set<IncidentField>();
  const fields: (IncidentField | null)[] = [];
  const unknown: string[] = [];
  const repeated: string[] = [];
  for (const header of headers) {
    // Own keys only: a header named "constructor" or "__proto__" is a header, not a property of every object.
    const override = Object.hasOwn(overrides, header) ? overrides[header] : undefined;
    const field = override !== undefined ? override || null : fieldOfHeader(header);
    if (field === null) {
      if (header.trim() !== "" && override === undefined) unknown.push(header);
      fields.push(null);
    } else if (taken.has(field)) {
      repeated.push(header);
      fields.push(null);
    } else {
      taken.add(field);
      fields.push(field);
    }
  }
  return { fields, unknown, repeated, missing: REQUIRED_FIELDS.filter((f) => !taken.has(f)) };
}
