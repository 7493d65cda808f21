import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { ReviewedOn } from "~/components/registers/ReviewedOn";
import { useT } from "~/i18n/use-t";
import { requireUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { MEASURE_STATUSES, MEASURES, type MeasureStatus } from "~/modules/incidents/taxonomy";
import { listMeasures } from "~/modules/registers/measures.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "registers.measures.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "registers.manage");
  const today = todayInTokyo();
  return { today, rows: listMeasures(getDb(), today), messages: messages(request, ["registers"]) };
}

/** Colours from the shared stylesheet: green in place, amber partial, grey not yet (red is kept for "review due"). */
const STATUS_CLASS: Record<MeasureStatus, string> = {
  in_place: "status role-supervisor",
  partial: "status status-open",
  not_yet: "status status-closed",
};

const EVIDENCE_PREVIEW = 60;

function preview(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > EVIDENCE_PREVIEW ? `${one.slice(0, EVIDENCE_PREVIEW)}…` : one;
}

export default function MeasuresRegister() {
  const { rows, today } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const labels = new Map<string, string>(MEASURES.map((m) => [m.code, m[lang]]));
  const statusLabel = new Map<string, string>(MEASURE_STATUSES.map((s) => [s.code, s[lang]]));
  const groups = [
    { group: "G" as const, title: t("registers.group.G") },
    { group: "N" as const, title: t("registers.group.N") },
  ];
  const staleCount = rows.filter((r) => r.stale).length;
  return (
    <section>
      <h1>{t("registers.measures.title")}</h1>
      <p className="muted">{t("registers.measures.intro")}</p>
      <p className="count">
        {t("registers.measures.summary", {
          inPlace: rows.filter((r) => r.status === "in_place").length,
          total: rows.length,
          stale: staleCount,
          today,
        })}
      </p>
      <table className="grid-table">
        <thead>
          <tr>
            <th scope="col">{t("registers.col.measure")}</th>
            <th scope="col">{t("registers.col.status")}</th>
            <th scope="col">{t("registers.col.inPlaceOn")}</th>
            <th scope="col">{t("registers.col.reviewedOn")}</th>
            <th scope="col">{t("registers.col.evidence")}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map(({ group, title }) => (
            <Fragment key={group}>
              <tr>
                <th scope="colgroup" colSpan={5}>
                  {title}
                </th>
              </tr>
              {rows
                .filter((r) => r.group === group)
                .map((r) => (
                  <tr key={r.code}>
                    <td>
                      <Link to={`/measures/${r.code}`}>
                        <span className="code">{r.code}</span> {labels.get(r.code)}
                      </Link>
                    </td>
                    <td>
                      <span className={STATUS_CLASS[r.status]}>{statusLabel.get(r.status)}</span>
                    </td>
                    <td className="nowrap">{r.inPlaceOn ?? "—"}</td>
                    <td className="nowrap">
                      <ReviewedOn reviewedOn={r.reviewedOn} stale={r.stale} />
                    </td>
                    <td>
                      {r.evidenceText ? <span title={r.evidenceText}>{preview(r.evidenceText)}</span> : null}
                      {r.evidenceText && r.evidenceUrl ? " " : null}
                      {r.evidenceUrl ? (
                        <a href={r.evidenceUrl} target="_blank" rel="noopener noreferrer">
                          {t("registers.evidence.open")}
                        </a>
                      ) : null}
                      {!r.evidenceText && !r.evidenceUrl ? <span className="muted">{t("common.none")}</span> : null}
                    </td>
                  </tr>
                ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}
