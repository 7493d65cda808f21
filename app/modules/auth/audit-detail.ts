/**
 * An audit entry's detail (JSON of identifiers, counts and field names, never personal values: ADR 0005) as label:
 * value pairs for the audit page (issue 19). Keys with a translation get it; the values stay as recorded (identifiers,
 * codes, counts), lists joined, nested objects flattened to `key.sub`.
 */
import type { MessageKey } from "~/i18n";

/** Detail keys the page names in words; any other key is shown as it is. */
export const DETAIL_KEYS = [
  "fields", "filters", "count", "encoding", "format", "name", "ref", "role", "changes", "columns", "reason", "period",
  "periodKey", "audience", "incidents", "clients", "evidence", "size", "hash", "departmentId", "incidentId", "userId",
  "today", "until", "keys", "refiled", "issuedAt", "approvedOn", "type", "id",
] as const;
type DetailKey = (typeof DETAIL_KEYS)[number];
const KNOWN = new Set<string>(DETAIL_KEYS);

export interface DetailPair {
  /** The key as recorded (`changes.added`). */
  key: string;
  /** Its label's message key, when the page has one. */
  label: MessageKey | null;
  value: string;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.length ? v.map(valueText).join(", ") : "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** A list query as recorded (`?q=%E7%B9%B0…`) with its escapes undone, so the filters read as typed. */
function readableQuery(search: string): string {
  try {
    return decodeURIComponent(search.replace(/\+/g, " "));
  } catch {
    return search;
  }
}

/** The pairs of a detail; a detail that is not a JSON object is one pair of its text. */
export function auditDetailPairs(detail: string | null): DetailPair[] {
  if (!detail) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return [{ key: "", label: null, value: detail }];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return [{ key: "", label: null, value: valueText(parsed) }];
  const pairs: DetailPair[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 2) walk(v as Record<string, unknown>, key, depth + 1);
      else {
        const text = key === "filters" && typeof v === "string" ? readableQuery(v) : valueText(v);
        pairs.push({ key, label: !prefix && KNOWN.has(k) ? (`audit.detail.${k as DetailKey}` as MessageKey) : null, value: text });
      }
    }
  };
  walk(parsed as Record<string, unknown>, "", 0);
  return pairs;
}
