/**
 * The evidence pack (issue 20, docs/decisions/0034): one ZIP for a period holding what the company shows to prove it takes
 * the measures of the Tokyo guideline and the national obligation — the issued reports as issued, the measures
 * register, the policy versions with their 周知日 and places, training records, consultation-desk statistics and incident
 * aggregates — and a manifest.json with every file's size and SHA-256.
 *
 * Personal data (names of people and clients, summaries, verbatim text, the follow-up notes, the HR reports, which name
 * clients and list incidents) is left out unless asked for; whether it was is in the manifest and in the audit entry
 * `evidence_pack.exported`. The web page and `npm run evidence` both call buildEvidencePack.
 */
import { createHash } from "node:crypto";
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { zipSync, type Zippable } from "fflate";
import type { Db } from "../../../db/client.server";
import { clients, consultations, departments, incidents, issuedReports, trainingSessions } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { toCsv } from "../csv";
import { labelOf, MEASURES, MEASURE_STATUSES } from "../incidents/taxonomy";
import { listMeasures } from "../registers/measures.server";
import { versionsForPeriod } from "../registers/policy";
import { listPolicies } from "../registers/policy.server";
import { coverage } from "../registers/schema";
import { routeLabel } from "../consultations/schema";
import { consultationMetrics } from "../consultations/consultations.server";
import { periodLabel, type Period } from "../reports/periods";

/** Bumped when the pack's layout or a file's columns change, so a reader knows which README applies. */
export const PACK_FORMAT_VERSION = 1;
export const GENERATOR = "kasuhara-dashboard evidence-pack";

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

export interface ManifestIssuedReport {
  id: number;
  periodKey: string;
  periodFrom: string;
  periodTo: string;
  audience: "hr" | "executive";
  issuedAt: string;
  /** Only with personal data (the issuer is a person). */
  issuedBy?: string;
  /** The SHA-256 recorded when it was issued (issued_reports.sha256): the file's bytes hash to it. */
  sha256: string;
  /** The file in the pack, or null when it was left out (an HR report without personal data). */
  file: string | null;
}

export interface Manifest {
  format: "kasuhara-evidence-pack";
  formatVersion: number;
  generator: string;
  generatedAt: string;
  period: { key: string; from: string; to: string; label: string };
  personalData: boolean;
  /** Every file of the pack but manifest.json itself, in the order written. */
  files: ManifestFile[];
  issuedReports: ManifestIssuedReport[];
}

export interface EvidencePack {
  /** On a plain ArrayBuffer (fflate allocates one), which a Response body accepts. */
  zip: Uint8Array<ArrayBuffer>;
  manifest: Manifest;
  /** The SHA-256 of the ZIP itself (recorded in the audit entry). */
  sha256: string;
  fileName: string;
}

export interface PackOptions {
  personalData: boolean;
  actor: Actor;
  /** The instant written into the manifest and the ZIP entries' times (the clock, unless a test fixes it). */
  now?: Date;
  /** The Tokyo calendar day "stale" is counted at when the period has not ended (YYYY-MM-DD). */
  today: string;
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const utf8 = new TextEncoder();
const BOM = "\uFEFF";
/** UTF-8 with a BOM and CRLF rows: Excel opens it with the Japanese intact. */
const csvBytes = (rows: unknown[][]) => utf8.encode(`${BOM}${toCsv(rows)}\r\n`);
const jsonBytes = (value: unknown) => utf8.encode(`${JSON.stringify(value, null, 2)}\n`);
const yesNo = (b: boolean | null | undefined) => (b == null ? "" : b ? "はい" : "いいえ");

/** A period key as part of a file name: `2025-04-01..2025-06-30` → `2025-04-01_2025-06-30`. */
export const keyForFile = (key: string) => key.replace(/\.\./g, "_").replace(/[^A-Za-z0-9_-]/g, "_");

export function buildEvidencePack(db: Db, period: Period, opts: PackOptions): EvidencePack {
  const now = opts.now ?? new Date();
  const personal = opts.personalData;
  const files: [string, Uint8Array][] = [];
  const add = (name: string, bytes: Uint8Array) => files.push([name, bytes]);
  // Registers are judged as they stand at the period's end, or today while it runs.
  const asOf = period.to < opts.today ? period.to : opts.today;

  // ---- issued reports: the stored content, byte for byte ----
  const issued = db
    .select()
    .from(issuedReports)
    .where(and(gte(issuedReports.periodFrom, period.from), lte(issuedReports.periodTo, period.to)))
    .orderBy(asc(issuedReports.id))
    .all();
  const issuedMeta: ManifestIssuedReport[] = [];
  for (const r of issued) {
    const included = personal || r.audience === "executive";
    const file = included ? `reports/issued-${r.id}-${keyForFile(r.periodKey)}-${r.audience}.json` : null;
    if (file) add(file, utf8.encode(r.content));
    issuedMeta.push({
      id: r.id,
      periodKey: r.periodKey,
      periodFrom: r.periodFrom,
      periodTo: r.periodTo,
      audience: r.audience,
      issuedAt: r.issuedAt,
      ...(personal ? { issuedBy: r.issuedBy } : {}),
      sha256: r.sha256,
      file,
    });
  }
  add(
    "reports/issued-reports.csv",
    csvBytes([
      ["ID", "期間", "開始日", "終了日", "対象", "確定日時(UTC)", ...(personal ? ["確定者"] : []), "SHA-256(確定時に記録)", "ファイル"],
      ...issuedMeta.map((r) => [
        r.id, r.periodKey, r.periodFrom, r.periodTo, r.audience === "hr" ? "人事向け" : "経営層向け", r.issuedAt,
        ...(personal ? [r.issuedBy ?? ""] : []), r.sha256, r.file ?? "個人情報を含むため除外",
      ]),
    ]),
  );

  // ---- measures register ----
  const statusLabel = (code: string) => MEASURE_STATUSES.find((s) => s.code === code)?.ja ?? code;
  add(
    "measures.csv",
    csvBytes([
      ["コード", "区分", "措置", "実施状況", "実施日", "最終見直し日", `要見直し(${asOf}時点)`, "根拠(内容)", "根拠資料URL", ...(personal ? ["記入者"] : [])],
      ...listMeasures(db, asOf).map((m) => [
        m.code, m.group === "G" ? "東京都指針" : "国の措置義務", MEASURES.find((d) => d.code === m.code)?.ja ?? m.code, statusLabel(m.status),
        m.inPlaceOn ?? "", m.reviewedOn ?? "", yesNo(m.stale), m.evidenceText ?? "", m.evidenceUrl ?? "", ...(personal ? [m.updatedBy ?? ""] : []),
      ]),
    ]),
  );

  // ---- policy versions in force during the period ----
  const policies = versionsForPeriod(listPolicies(db), period.from, period.to).map((p) => ({
    id: p.id,
    title: p.title,
    version: p.version,
    adoptedOn: p.adoptedOn,
    announcedOn: p.announcedOn,
    places: p.places,
    url: p.url,
    notes: p.notes,
    ...(personal ? { createdBy: p.createdBy } : {}),
  }));
  add(
    "policy.csv",
    csvBytes([
      ["版", "名称", "制定日", "周知日", "周知した場所", "URL", "備考", ...(personal ? ["登録者"] : [])],
      ...policies.map((p) => [p.version, p.title, p.adoptedOn, p.announcedOn ?? "", p.places.join(" / "), p.url ?? "", p.notes ?? "", ...(personal ? [p.createdBy ?? ""] : [])]),
    ]),
  );
  add("policy.json", jsonBytes(policies));

  // ---- training ----
  const sessions = db
    .select()
    .from(trainingSessions)
    .where(and(gte(trainingSessions.heldOn, period.from), lte(trainingSessions.heldOn, period.to)))
    .orderBy(asc(trainingSessions.heldOn), asc(trainingSessions.id))
    .all();
  const pct = (r: number | null) => (r === null ? "" : (r * 100).toFixed(1));
  add(
    "training.csv",
    csvBytes([
      ["実施日", "研修名", "受講者数", "対象者数", "受講率(%)", ...(personal ? ["備考"] : [])],
      ...sessions.map((s) => [s.heldOn, s.title, s.attendees, s.invited, pct(coverage(s.attendees, s.invited)), ...(personal ? [s.notes ?? ""] : [])]),
      ["合計", `${sessions.length}回`, sessions.reduce((n, s) => n + s.attendees, 0), sessions.reduce((n, s) => n + s.invited, 0),
        pct(coverage(sessions.reduce((n, s) => n + s.attendees, 0), sessions.reduce((n, s) => n + s.invited, 0))), ...(personal ? [""] : [])],
    ]),
  );

  // ---- consultation desk: counts by month and route, then the period's figures ----
  const month = sql<string>`substr(${consultations.receivedOn}, 1, 7)`;
  const byMonth = db
    .select({
      month,
      route: consultations.route,
      received: sql<number>`count(*)`,
      anonymous: sql<number>`coalesce(sum(${consultations.anonymous}), 0)`,
      responded: sql<number>`coalesce(sum(${consultations.firstResponseOn} is not null), 0)`,
      linked: sql<number>`coalesce(sum(${consultations.incidentId} is not null), 0)`,
    })
    .from(consultations)
    .where(and(gte(consultations.receivedOn, period.from), lte(consultations.receivedOn, period.to)))
    .groupBy(month, consultations.route)
    .orderBy(month, consultations.route)
    .all();
  const m = consultationMetrics(db, period.from, period.to);
  add(
    "consultations.csv",
    csvBytes([
      ["月", "経路", "受付件数", "うち匿名", "うち初回対応あり", "うち事案と紐付け"],
      ...byMonth.map((r) => [r.month, routeLabel(r.route), r.received, r.anonymous, r.responded, r.linked]),
      ["期間計", "", m.received, m.anonymous, m.responded, m.linkedToIncident],
      [],
      ["初回対応までの日数(中央値)", m.medianDaysToFirstResponse ?? ""],
      ["期間末で対応中", m.open],
    ]),
  );
  if (personal) {
    const rows = db
      .select({ c: consultations, incidentRef: incidents.ref })
      .from(consultations)
      .leftJoin(incidents, eq(incidents.id, consultations.incidentId))
      .where(and(gte(consultations.receivedOn, period.from), lte(consultations.receivedOn, period.to)))
      .orderBy(asc(consultations.receivedOn), asc(consultations.id))
      .all();
    add(
      "personal/consultations-detail.csv",
      csvBytes([
        ["ID", "受付日", "経路", "相談者(社員番号等)", "匿名", "関連事案", "初回対応日", "終了日", "対応記録"],
        ...rows.map(({ c, incidentRef }) => [
          c.id, c.receivedOn, routeLabel(c.route), c.employeeRef ?? "", yesNo(c.anonymous),
          c.incidentId === null ? "" : (incidentRef ?? `#${c.incidentId}`), c.firstResponseOn ?? "", c.closedOn ?? "", c.followUp ?? "",
        ]),
      ]),
    );
  }

  // ---- incidents: aggregates by month; the detail only with personal data ----
  const incidentMonth = sql<string>`substr(${incidents.occurredOn}, 1, 7)`;
  const inPeriod = and(gte(incidents.occurredOn, period.from), lte(incidents.occurredOn, period.to));
  const incidentMonths = db
    .select({
      month: incidentMonth,
      total: sql<number>`count(*)`,
      kasuhara: sql<number>`coalesce(sum(${incidents.determination} = 'D1'), 0)`,
      severe: sql<number>`coalesce(sum(${incidents.severity} >= 3), 0)`,
      closed: sql<number>`coalesce(sum(${incidents.status} = 'closed'), 0)`,
    })
    .from(incidents)
    .where(inPeriod)
    .groupBy(incidentMonth)
    .orderBy(incidentMonth)
    .all();
  add(
    "incidents-by-month.csv",
    csvBytes([
      ["月", "事案数", "うちカスハラ該当(D1)", "うち深刻度3以上", "うち終了"],
      ...incidentMonths.map((r) => [r.month, r.total, r.kasuhara, r.severe, r.closed]),
      ["期間計", ...(["total", "kasuhara", "severe", "closed"] as const).map((k) => incidentMonths.reduce((n, r) => n + r[k], 0))],
    ]),
  );
  if (personal) {
    const rows = db
      .select({ i: incidents, department: departments.name, client: clients.name })
      .from(incidents)
      .leftJoin(departments, eq(departments.id, incidents.departmentId))
      .leftJoin(clients, eq(clients.id, incidents.clientId))
      .where(inPeriod)
      .orderBy(asc(incidents.occurredAt), asc(incidents.id))
      .all();
    add(
      "personal/incidents-detail.csv",
      csvBytes([
        ["ID", "管理番号", "発生日時", "部署・事業所", "発生場面", "顧客名・取引先名", "深刻度", "該当判断", "状況", "概要", "具体的言動", "再発防止策"],
        ...rows.map(({ i, department, client }) => [
          i.id, i.ref ?? "", i.occurredAt, department ?? "", labelOf("channel", i.channel), client ?? "", i.severity ?? "",
          labelOf("determination", i.determination), i.status === "open" ? "対応中" : "終了", i.summary ?? "", i.verbatim ?? "", i.prevention ?? "",
        ]),
      ]),
    );
  }

  const label = periodLabel(period, "ja");
  add("README.txt", utf8.encode(readme(period, label, personal, now)));

  const manifest: Manifest = {
    format: "kasuhara-evidence-pack",
    formatVersion: PACK_FORMAT_VERSION,
    generator: GENERATOR,
    generatedAt: now.toISOString(),
    period: { key: period.key, from: period.from, to: period.to, label },
    personalData: personal,
    files: files.map(([name, bytes]) => ({ name, size: bytes.byteLength, sha256: sha256Hex(bytes) })),
    issuedReports: issuedMeta,
  };
  const zippable: Zippable = {};
  // Every entry dated at the generation time: the same data and time give the same ZIP.
  for (const [name, bytes] of [...files, ["manifest.json", jsonBytes(manifest)] as [string, Uint8Array]]) zippable[name] = [bytes, { mtime: now }];
  const zip = zipSync(zippable, { level: 6 }) as Uint8Array<ArrayBuffer>;
  const sha256 = sha256Hex(zip);
  audit(db, opts.actor, "evidence_pack.exported", { type: "evidence_pack", id: period.key }, {
    period: period.key,
    personalData: personal,
    files: manifest.files.length,
    sha256,
  });
  return { zip, manifest, sha256, fileName: `evidence-pack-${keyForFile(period.key)}${personal ? "-personal" : ""}.zip` };
}

function readme(period: Period, label: string, personal: boolean, now: Date): string {
  const lines = [
    `カスタマーハラスメント対策 証跡パッケージ ${label}(${period.from} 〜 ${period.to})`,
    `作成日時: ${now.toISOString()}(UTC)`,
    `個人情報: ${personal ? "含む(管理者の指定により作成。監査ログに記録済み)" : "含まない"}`,
    "",
    "このパッケージは、東京都カスタマー・ハラスメント防止条例の指針(第5)および労働施策総合推進法に基づく措置を",
    "講じていることを示すための記録一式です。CSVはUTF-8(BOM付き)で、Excelでそのまま開けます。",
    "",
    "■ ファイル",
    "manifest.json            全ファイルの名前・サイズ・SHA-256、期間、作成日時、個人情報の有無、確定済み報告書の一覧",
    "README.txt               このファイル",
    "reports/issued-*.json    期間内に確定した報告書。確定時に保存した内容そのもの(1バイトも変えていません)",
    "reports/issued-reports.csv  確定済み報告書の一覧と、確定時に記録したSHA-256",
    "measures.csv             組織的な措置の登録簿(G01〜G13、N1〜N5): 実施状況、根拠、実施日、最終見直し日",
    "policy.csv / policy.json 期間中に有効だった基本方針の版: 制定日、周知日、周知した場所",
    "training.csv             期間中の研修の記録: 実施日、研修名、受講者数、対象者数、受講率",
    "consultations.csv        相談窓口の統計: 月別・経路別の受付件数など(個人を特定する情報は含みません)",
    "incidents-by-month.csv   事案の月別集計(件数のみ)",
  ];
  if (personal) {
    lines.push(
      "personal/incidents-detail.csv      事案の明細(顧客名、概要、具体的言動を含む)",
      "personal/consultations-detail.csv  相談の明細(社員番号等、対応記録を含む)",
      "",
      "※ 個人情報を含みます。取扱いには十分注意し、必要な範囲を超えて共有しないでください。",
    );
  } else {
    lines.push("", "人事向けの確定済み報告書は顧客名や事案の一覧を含むため本文を除外し、SHA-256のみを記載しています。");
  }
  lines.push(
    "",
    "■ 検証方法",
    "各ファイルのSHA-256が manifest.json の値と一致することを確認してください。例:",
    "  sha256sum measures.csv      (Linux)",
    "  certutil -hashfile measures.csv SHA256   (Windows)",
    "確定済み報告書のファイルのSHA-256は、システムが確定時に記録した値(manifest.json の issuedReports)とも一致します。",
    "",
  );
  return lines.join("\r\n");
}
