/**
 * The compliance summary as Markdown, CSV or a standalone HTML document (the JSON is the report object itself).
 * Every table of the report appears in each format with the same rows; CSV goes through the formula guard.
 */
import { translate, type Lang, type MessageKey, type Translate } from "~/i18n";
import { toCsv } from "../csv";
import { percent } from "../format";
import { MEASURES, MEASURE_STATUSES } from "../incidents/taxonomy";
import type { ComplianceReport } from "./compliance.server";

interface Table {
  title: string;
  /** Starts a new printed page (the major sections). */
  newPage?: boolean;
  /** Its last column is running text (lists of incidents): full width, wrapped, left-aligned. */
  wide?: boolean;
  header: string[];
  rows: (string | number)[][];
  /** Per row, the incidents its last column lists: the page links each one (the files keep the text). */
  incidents?: { id: number; ref: string | null; occurredOn: string }[][];
}


/**
 * The report's sections as plain tables, in reading order. `t` is the caller's: `translate` on the server, `useT()`'s in
 * the page (the browser has no dictionary).
 */
export function reportTables(r: ComplianceReport, lang: Lang, t: Translate = (k, p) => translate(lang, k, p)): Table[] {
  const measureLabel = (code: string) => MEASURES.find((m) => m.code === code)?.[lang] ?? code;
  const statusLabel = (s: string) => MEASURE_STATUSES.find((m) => m.code === s)?.[lang] ?? s;
  const breakdown = (title: MessageKey, rows: { code?: string | null; label: string; count: string | number }[]): Table => ({
    title: t(title),
    header: [t("report.col.item"), t("report.col.count")],
    rows: rows.map((x) => [x.code && x.code !== "unknown" && x.code !== x.label ? `${x.code} ${x.label}` : x.label, x.count]),
  });
  const spanLabel = (whole: MessageKey, sameSpan: MessageKey, span?: { from: string; to: string }) =>
    span ? `${t(r.comparison?.inProgress ? sameSpan : whole)}(${span.from}〜${span.to})` : t(whole);
  return [
    {
      title: t("report.section.totals"),
      header: [t("report.col.item"), t("report.col.count")],
      rows: [
        [t("report.totals.incidents"), r.totals.incidents],
        [t("report.totals.kasuhara"), r.totals.kasuhara],
        // Reports issued before 2026-12-04 say nothing of the spans compared.
        ...(r.comparison?.inProgress
          ? [[t("report.totals.currentSoFar", { to: r.comparison.current.to }), r.comparison.current.count]]
          : []),
        [spanLabel("report.totals.previous", "report.totals.previousSameSpan", r.comparison?.previous), r.totals.previous],
        [spanLabel("report.totals.yearBefore", "report.totals.yearBeforeSameSpan", r.comparison?.yearBefore), r.totals.yearBefore],
      ],
    },
    breakdown("report.section.behaviour", r.byBehaviour),
    breakdown("report.section.channel", r.byChannel),
    breakdown("report.section.outcome", r.byOutcome),
    breakdown("report.section.severity", r.bySeverity),
    breakdown("report.section.validity", r.byValidity),
    breakdown("report.section.department", r.byDepartment),
    // A client's code is a key (rank1, other), not a code a reader knows.
    breakdown("report.section.client", r.byClient.map(({ label, count }) => ({ label, count }))),
    {
      title: t("report.section.adherence"),
      newPage: true,
      header: [t("dashboard.step"), t("dashboard.rate"), t("dashboard.met"), t("dashboard.applicable")],
      rows: r.adherence.map((a) => [t(`dashboard.step.${a.step}`), percent(a.rate), a.met, a.applicable]),
    },
    ...(r.missed
      ? [
          {
            title: t("report.section.missed"),
            wide: true,
            header: [t("dashboard.step"), t("report.col.count"), t("report.col.incidents")],
            rows: (Object.keys(r.missed) as (keyof NonNullable<ComplianceReport["missed"]>)[]).map((step) => {
              const m = r.missed![step];
              const listed = m.incidents.map((i) => `${i.ref ?? `#${i.id}`}(${i.occurredOn})`).join("、 ");
              return [t(`dashboard.step.${step}`), m.count, m.count > m.incidents.length ? `${listed} …` : listed];
            }),
            incidents: (Object.keys(r.missed) as (keyof NonNullable<ComplianceReport["missed"]>)[]).map((step) => r.missed![step].incidents),
          } satisfies Table,
        ]
      : []),
    {
      title: t("report.section.care"),
      header: [t("report.col.item"), t("report.col.count")],
      rows: [
        [t("report.care.severe"), r.care.severe],
        [t("report.care.withCare"), r.care.withCare],
        [t("report.care.rate"), percent(r.care.rate)],
        ...r.care.byCare.map((c): (string | number)[] => [`${c.code} ${c.label}`, c.count]),
      ],
    },
    {
      title: t("report.section.measures"),
      newPage: true,
      header: [t("report.col.measure"), t("report.col.status"), t("report.col.inPlaceOn"), t("report.col.reviewedOn")],
      rows: r.measures.map((m) => [
        `${m.code} ${measureLabel(m.code)}`,
        `${statusLabel(m.status)}${m.stale ? ` (${t("report.stale")})` : ""}`,
        m.inPlaceOn ?? "",
        m.reviewedOn ?? "",
      ]),
    },
    {
      title: t("report.section.consultations"),
      header: [t("report.col.item"), t("report.col.value")],
      rows: [
        [t("report.consultations.received"), r.consultations.received],
        [t("report.consultations.median"), r.consultations.medianDaysToFirstResponse ?? "—"],
        [t("report.consultations.linked"), percent(r.consultations.linkedShare)],
        [t("report.consultations.open"), r.consultations.open],
      ],
    },
    {
      title: t("report.section.training"),
      header: [t("report.col.item"), t("report.col.count")],
      rows: [
        [t("report.training.sessions"), r.training.sessions],
        [t("report.training.attendees"), r.training.attendees],
        [t("report.training.coverage"), percent(r.training.coverage)],
      ],
    },
    {
      title: r.comparison ? t("report.section.openAsOf", { date: r.comparison.asOf }) : t("report.section.open"),
      header: [t("report.col.item"), t("report.col.count")],
      rows: [
        [t("report.open.count"), r.open.count],
        [t("report.open.oldest"), r.open.oldestDays ?? "—"],
        ...r.open.byAge.map((a): (string | number)[] => [a.label, a.count]),
        // Reports issued before 終了日不明 existed have no such figure.
        ...(r.open.closedDateUnknown === undefined ? [] : [[t("report.open.closedDateUnknown"), r.open.closedDateUnknown]]),
      ],
    },
    ...(r.rates ? rateTables(r.rates, t, lang) : []),
    // Since issue 20 each figure carries its source and year; reports issued before print the MHLW heading alone.
    r.benchmarks.some((b) => b.source)
      ? {
          title: t("rates.section.benchmarks"),
          // The source is running text: the wide last column keeps the figures readable on a phone.
          wide: true,
          header: [t("report.col.item"), t("report.col.value"), t("rates.col.source")],
          rows: r.benchmarks.map((b) => [b.label, percent(b.value), [b.source, b.yearLabel ?? b.year].filter(Boolean).join("、")]),
        }
      : {
          title: t("report.section.benchmarks"),
          header: [t("report.col.item"), t("report.col.value")],
          rows: r.benchmarks.map((b) => [b.label, percent(b.value)]),
        },
  ];
}

/** Per 100 employees with two decimals; null → 人数未登録; χ stays χ. */
function rateText(rate: number | null | string, t: Translate): string {
  if (rate === null) return t("rates.noHeadcount");
  return typeof rate === "number" ? rate.toFixed(2) : rate;
}

/** A weighted headcount may have a fraction: one decimal then. */
const headcountText = (n: number | null, t: Translate) =>
  n === null ? t("rates.noHeadcount") : Number.isInteger(n) ? n.toLocaleString("ja-JP") : n.toLocaleString("ja-JP", { maximumFractionDigits: 1 });

function rateTables(rates: NonNullable<ComplianceReport["rates"]>, t: Translate, lang: Lang): Table[] {
  const p = rates.perHundred;
  const c = rates.closing;
  const years = p.fiscalYears.map((y) => (lang === "en" ? `FY${y.fiscalYear}` : `${y.fiscalYear}年度`)).join("・");
  const w30 = c.closedWithin30Days;
  return [
    {
      title: p.fiscalYears.length > 1 ? `${t("rates.section.perHundred")}(${t("rates.weightedNote", { years })})` : t("rates.section.perHundred"),
      newPage: true,
      header: [t("rates.col.target"), t("rates.col.rate"), t("rates.col.incidents"), t("rates.col.headcount")],
      rows: [
        [t("rates.company"), rateText(p.company.rate, t), p.company.incidents, headcountText(p.company.headcount, t)],
        ...p.byDepartment.map((d): (string | number)[] => [d.label, rateText(d.rate, t), d.incidents, headcountText(d.headcount, t)]),
      ],
    },
    {
      title: t("rates.section.closing"),
      header: [t("report.col.item"), t("report.col.value")],
      rows: [
        [t("rates.closing.closed"), c.closed],
        [t("rates.closing.unknown"), c.closedDateUnknown],
        [t("rates.closing.median"), c.medianDaysToClose === null ? "—" : typeof c.medianDaysToClose === "number" ? t("rates.closing.days", { n: c.medianDaysToClose }) : c.medianDaysToClose],
        [t("rates.closing.within30"), typeof w30.rate === "string" ? w30.rate : percent(w30.rate)],
        [t("rates.closing.within30Count"), `${w30.count} / ${w30.applicable}`],
      ],
    },
  ];
}

/** The report's title line; in CSV with ` / ` for ` · `, which Shift_JIS (CP932) cannot write (docs/decisions/0019). */
function heading(r: ComplianceReport, lang: Lang, separator = " · "): string {
  const audience = translate(lang, r.audience === "hr" ? "report.audience.hr" : "report.audience.executive");
  return `${translate(lang, "report.title")} ${r.period.label} (${r.period.from} 〜 ${r.period.to})${separator}${audience}`;
}

/**
 * Text as Markdown shows it literally (issue 18): HTML's own characters as entities, so a department named
 * `<img onerror=…>` stays text in any renderer, and the brackets, emphasis and table marks escaped, so
 * `[x](javascript:…)` is no link and a `|` no new column.
 */
const mdText = (v: string | number) =>
  String(v)
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
const mdCell = mdText;

export function toMarkdown(r: ComplianceReport, lang: Lang): string {
  const out = [`# ${mdText(heading(r, lang))}`, "", ...r.narrative.map((n) => `- ${mdText(n)}`), ""];
  if (r.audience === "executive") out.push(`> ${translate(lang, "overview.suppressedNote", { n: r.threshold })}`, "");
  for (const tb of reportTables(r, lang)) {
    out.push(`## ${mdText(tb.title)}`, "", `| ${tb.header.map(mdCell).join(" | ")} |`, `| ${tb.header.map(() => "---").join(" | ")} |`);
    for (const row of tb.rows) out.push(`| ${row.map(mdCell).join(" | ")} |`);
    out.push("");
  }
  return out.join("\n");
}

export function toReportCsv(r: ComplianceReport, lang: Lang): string {
  const rows: unknown[][] = [[heading(r, lang, " / ")]];
  for (const tb of reportTables(r, lang)) rows.push([], [tb.title], tb.header, ...tb.rows);
  return `\uFEFF${toCsv(rows)}\r\n`;
}

const esc = (v: string | number) =>
  String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A standalone, printable document: no script, no external resource, styles in the head. */
export function toHtml(r: ComplianceReport, lang: Lang): string {
  const sections = reportTables(r, lang)
    .map(
      (tb) =>
        `<section><h2>${esc(tb.title)}</h2><table><thead><tr>${tb.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>` +
        `<tbody>${tb.rows.map((row) => `<tr>${row.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join("")}</tr>`).join("")}</tbody></table></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(heading(r, lang))}</title>
<style>
body{font-family:"Noto Sans CJK JP","Hiragino Sans",sans-serif;margin:2rem;color:#1f2937}
h1{font-size:1.3rem}h2{font-size:1.05rem;border-left:4px solid #1d4ed8;padding-left:.5rem;margin-top:1.5rem}
table{border-collapse:collapse;min-width:24rem}th,td{border-bottom:1px solid #e5e7eb;padding:.25rem .6rem;text-align:left}
td{text-align:right}thead th{background:#eef1f6}
section{break-inside:avoid}@page{size:A4;margin:15mm}
</style></head><body>
<h1>${esc(heading(r, lang))}</h1>
<ul>${r.narrative.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
${r.audience === "executive" ? `<p>${esc(translate(lang, "overview.suppressedNote", { n: r.threshold }))}</p>` : ""}
${sections}
<p><small>${esc(translate(lang, "report.generatedOn"))}: ${esc(r.generatedOn)}</small></p>
</body></html>
`;
}
