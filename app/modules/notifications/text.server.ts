/**
 * A notification in words, for the list page and for mails: built when shown from its kind and payload (codes and
 * identifiers), so it follows the reader's language and the department's current name.
 */
import type { Conn } from "../../../db/client.server";
import { departments } from "../../../db/schema";
import { translate } from "~/i18n/dictionary.server";
import type { Lang } from "../incidents/taxonomy";
import { labelOf } from "../incidents/taxonomy";
import { parsePeriod, periodLabel } from "../reports/periods";
import type { NotificationKind, NotificationPayload } from "./events.server";

export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  incidentId: number | null;
  payload: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationText {
  title: string;
  /** Category codes as labels (a new incident only). */
  detail: string | null;
  /** The app path it leads to: the incident, or the department's list for an import. */
  href: string;
}

/** Department names by id, read once, for describing many notifications (a retired or unknown id gives null). */
export function departmentNames(db: Conn): (id: number | null | undefined) => string | null {
  const names = new Map(db.select({ id: departments.id, name: departments.name }).from(departments).all().map((d) => [d.id, d.name]));
  return (id) => (id == null ? null : (names.get(id) ?? null));
}

export function parsePayload(payload: string): NotificationPayload {
  try {
    const p = JSON.parse(payload) as unknown;
    return p && typeof p === "object" ? (p as NotificationPayload) : {};
  } catch {
    return {};
  }
}

export function describe(n: NotificationRow, departmentName: (id: number | null | undefined) => string | null, lang: Lang): NotificationText {
  const p = parsePayload(n.payload);
  const ref = p.ref || translate(lang, "notifications.noRef");
  const department = departmentName(p.departmentId) ?? translate(lang, "notifications.noDepartment");
  const period = p.period ? parsePeriod(p.period) : null;
  const params = {
    ref, department, count: p.count ?? 0, due: p.due ?? "",
    period: period ? periodLabel(period, lang) : (p.period ?? ""),
    audience: p.audience ? translate(lang, `notifications.audience.${p.audience}`) : "",
  };
  const title = translate(lang, `notifications.kind.${n.kind}`, params);
  let detail: string | null = null;
  if (n.kind === "incident_created") {
    const parts = [
      p.channel ? labelOf("channel", p.channel, lang) : null,
      p.severity ? `${translate(lang, "notifications.severity")} ${labelOf("severity", String(p.severity), lang)}` : null,
      ...(p.behaviours ?? []).map((b) => labelOf("behaviours", b, lang)),
    ].filter(Boolean);
    detail = parts.length ? parts.join(" · ") : null;
  }
  if (n.kind === "report_issued") return { title, detail, href: p.issuedReportId ? `/reports/issued/${p.issuedReportId}` : "/reports" };
  const href = n.incidentId !== null ? `/incidents/${n.incidentId}` : p.departmentId != null ? `/incidents?department=${p.departmentId}` : "/incidents";
  return { title, detail, href };
}
