/**
 * The evidence pack (issue 20): every file's bytes hash to what manifest.json says, an issued report is in it byte for
 * byte and hashes to the SHA-256 recorded when it was issued; without personal data no name, summary, verbatim text or
 * note is anywhere in it, with personal data they are and the audit entry says which it was. And `npm run evidence`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { openDatabase, type Db } from "../db/client.server";
import { auditLog, issuedReports } from "../db/schema";
import { createIncident } from "~/modules/incidents/mutations.server";
import { createConsultation } from "~/modules/consultations/consultations.server";
import { buildEvidencePack, type Manifest } from "~/modules/evidence-pack/pack.server";
import { updateMeasure } from "~/modules/registers/measures.server";
import { addPolicyForm, createPolicy, listPolicies } from "~/modules/registers/policy.server";
import { versionsForPeriod } from "~/modules/registers/policy";
import { createTraining } from "~/modules/registers/training.server";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { issueReport } from "~/modules/reports/issued.server";
import { parsePeriod } from "~/modules/reports/periods";
import { readPackRequest } from "~/modules/evidence-pack/request.server";
import { startCli } from "./cli";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };
const FY2025 = parsePeriod("FY2025")!;
const NOW = new Date("2026-11-21T01:00:00Z");
const hr = { userId: 2, name: "hr-issuer@example.com", ip: null };
const admin = { userId: 1, name: "admin@example.com", ip: null };

/** Texts that are personal: none may be in a pack made without personal data. */
const SECRETS = {
  client: "株式会社ペンギン顧客",
  summary: "ペンギン事件の概要文",
  verbatim: "秘密の暴言ことば",
  employeeRef: "E-SECRET-9",
  followUp: "相談のフォロー記録秘密",
  trainingNotes: "講師 山田花子",
  measureBy: "記入者 鈴木一郎",
  issuer: hr.name,
};

function seed(db: Db) {
  createIncident(
    db,
    incidentInput({ ref: "KH-1", client: SECRETS.client, summary: SECRETS.summary, verbatim: SECRETS.verbatim, occurred_at: "2025-05-10T10:00:00+09:00", reported_at: null, closed_at: "2025-05-12", report_submitted_at: null }),
    { today: TODAY },
  );
  createIncident(db, incidentInput({ ref: "KH-2", occurred_at: "2025-06-02T10:00:00+09:00", reported_at: null, closed_at: "2025-06-03", report_submitted_at: null, severity: 3 }), { today: TODAY });
  // The executive report needs three incidents in every month of the fiscal year.
  for (let m = 0; m < 12; m++) {
    const month = `${m < 9 ? 2025 : 2026}-${String(((m + 3) % 12) + 1).padStart(2, "0")}`;
    for (let k = 0; k < 3; k++) {
      createIncident(db, incidentInput({ occurred_at: `${month}-15T10:00:00+09:00`, reported_at: null, closed_at: `${month}-16`, report_submitted_at: null }), { today: TODAY });
    }
  }
  // Outside FY2025: in no aggregate.
  createIncident(db, incidentInput({ ref: "KH-0", occurred_at: "2025-03-02T10:00:00+09:00", reported_at: null, closed_at: "2025-03-03", report_submitted_at: null }), { today: TODAY });
  updateMeasure(db, "G01", { status: "in_place", evidenceText: "基本方針を社内イントラに掲示", evidenceUrl: "https://intra.example.jp/policy", inPlaceOn: "2025-04-01", reviewedOn: "2025-10-01", updatedBy: SECRETS.measureBy }, hr);
  createPolicy(db, { title: "旧方針", version: "第0版", adoptedOn: "2024-04-01", announcedOn: "2024-04-10", places: ["社内イントラ"], url: null, notes: null }, hr);
  createPolicy(db, { title: "カスタマーハラスメントに対する基本方針", version: "第1版", adoptedOn: "2025-04-01", announcedOn: "2025-04-15", places: ["社内イントラ", "店頭掲示", "自社ウェブサイト"], url: "https://example.jp/kasuhara", notes: null }, hr);
  createPolicy(db, { title: "未来の方針", version: "第2版", adoptedOn: "2026-06-01", announcedOn: null, places: [], url: null, notes: null }, hr);
  createTraining(db, { heldOn: "2025-07-01", title: "カスハラ初期対応研修", attendees: 40, invited: 50, notes: SECRETS.trainingNotes }, hr);
  createTraining(db, { heldOn: "2024-07-01", title: "前年度の研修", attendees: 10, invited: 10, notes: null }, hr);
  createConsultation(db, { receivedOn: "2025-05-11", route: "phone", employeeRef: SECRETS.employeeRef, anonymous: false, incidentId: 1, firstResponseOn: "2025-05-12", followUp: SECRETS.followUp, closedOn: null }, hr);
  createConsultation(db, { receivedOn: "2025-05-20", route: "desk", employeeRef: null, anonymous: true, incidentId: null, firstResponseOn: null, followUp: null, closedOn: null }, hr);
  const opts = { lang: "ja" as const, today: TODAY, settings: SETTINGS };
  issueReport(db, buildComplianceReport(db, FY2025, { ...opts, audience: "hr" }), hr);
  issueReport(db, buildComplianceReport(db, FY2025, { ...opts, audience: "executive" }), hr);
  // A report of another period: not in the pack.
  issueReport(db, buildComplianceReport(db, parsePeriod("2024-Q4")!, { ...opts, audience: "hr" }), hr);
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Unzips a pack and checks that manifest.json names exactly the other files and that each one's bytes match. */
function verified(zip: Uint8Array): { files: Record<string, Uint8Array>; manifest: Manifest } {
  const files = unzipSync(zip);
  const manifest = JSON.parse(text(files["manifest.json"])) as Manifest;
  expect(Object.keys(files).filter((n) => n !== "manifest.json").sort()).toEqual(manifest.files.map((f) => f.name).sort());
  for (const f of manifest.files) {
    expect(files[f.name].byteLength, f.name).toBe(f.size);
    expect(sha(files[f.name]), f.name).toBe(f.sha256);
  }
  return { files, manifest };
}

describe("the evidence pack", () => {
  it("without personal data: every hash verifies, the executive report is in as issued, nothing personal is anywhere", () => {
    const db = memoryDb();
    seed(db);
    const pack = buildEvidencePack(db, FY2025, { personalData: false, actor: admin, today: TODAY, now: NOW });
    const { files, manifest } = verified(pack.zip);
    expect(manifest).toMatchObject({ period: { key: "FY2025", from: "2025-04-01", to: "2026-03-31", label: "2025年度(令和7年度)" }, personalData: false, generatedAt: NOW.toISOString() });

    // The issued reports of the period only; the executive one byte for byte, hashing to the SHA-256 recorded at issue.
    const stored = db.select().from(issuedReports).all();
    expect(manifest.issuedReports.map((r) => [r.audience, r.periodKey])).toEqual([["hr", "FY2025"], ["executive", "FY2025"]]);
    const exec = manifest.issuedReports.find((r) => r.audience === "executive")!;
    const execRow = stored.find((r) => r.id === exec.id)!;
    expect(exec.file).not.toBeNull();
    expect(text(files[exec.file!])).toBe(execRow.content);
    expect(sha(files[exec.file!])).toBe(execRow.sha256);
    expect(exec.sha256).toBe(execRow.sha256);
    // The HR report names clients and lists incidents: left out, its recorded hash still listed.
    const hrReport = manifest.issuedReports.find((r) => r.audience === "hr")!;
    expect(hrReport.file).toBeNull();
    expect(hrReport.sha256).toBe(stored.find((r) => r.id === hrReport.id)!.sha256);
    expect(Object.keys(files).some((n) => n.startsWith("personal/"))).toBe(false);

    const all = Object.values(files).map(text).join("\n");
    for (const [what, secret] of Object.entries(SECRETS)) expect(all.includes(secret), what).toBe(false);

    // The registers, with 周知日 and places; UTF-8 CSV with a BOM.
    expect(files["measures.csv"].slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(text(files["measures.csv"])).toContain("G01,東京都指針,基本方針の明確化と周知,実施済");
    const policies = JSON.parse(text(files["policy.json"])) as { version: string; announcedOn: string; places: string[] }[];
    expect(policies.map((p) => p.version)).toEqual(["第0版", "第1版"]);
    expect(policies[1]).toMatchObject({ announcedOn: "2025-04-15", places: ["社内イントラ", "店頭掲示", "自社ウェブサイト"] });
    expect(text(files["policy.csv"])).toContain("社内イントラ / 店頭掲示 / 自社ウェブサイト");
    expect(text(files["training.csv"])).toContain("2025-07-01,カスハラ初期対応研修,40,50,80.0");
    expect(text(files["training.csv"])).not.toContain("前年度の研修");
    expect(text(files["consultations.csv"])).toContain("2025-05,電話,1,0,1,1");
    expect(text(files["consultations.csv"])).toContain("期間計,,2,1,1,1");
    expect(text(files["incidents-by-month.csv"])).toContain("期間計,38,38,1,38");
    expect(text(files["README.txt"])).toContain("manifest.json");

    const entry = db.select().from(auditLog).where(eq(auditLog.action, "evidence_pack.exported")).orderBy(desc(auditLog.id)).get()!;
    expect(entry.actor).toBe(admin.name);
    expect(JSON.parse(entry.detail!)).toMatchObject({ period: "FY2025", personalData: false, sha256: pack.sha256 });
  });

  it("with personal data: the names and texts are in, every hash verifies, and the audit entry says so", () => {
    const db = memoryDb();
    seed(db);
    const pack = buildEvidencePack(db, FY2025, { personalData: true, actor: admin, today: TODAY, now: NOW });
    const { files, manifest } = verified(pack.zip);
    expect(manifest.personalData).toBe(true);
    for (const r of manifest.issuedReports) {
      expect(r.file).not.toBeNull();
      expect(sha(files[r.file!])).toBe(r.sha256);
    }
    const all = Object.values(files).map(text).join("\n");
    for (const [what, secret] of Object.entries(SECRETS)) expect(all.includes(secret), what).toBe(true);
    expect(text(files["personal/incidents-detail.csv"])).not.toContain("KH-0");
    const entry = db.select().from(auditLog).where(eq(auditLog.action, "evidence_pack.exported")).get()!;
    expect(JSON.parse(entry.detail!)).toMatchObject({ period: "FY2025", personalData: true });
  });

  it("the same data at the same time make the same ZIP", () => {
    const db = memoryDb();
    seed(db);
    const a = buildEvidencePack(db, FY2025, { personalData: false, actor: admin, today: TODAY, now: NOW });
    const b = buildEvidencePack(db, FY2025, { personalData: false, actor: admin, today: TODAY, now: NOW });
    expect(b.sha256).toBe(a.sha256);
  });
});

describe("what the pack's form may ask for", () => {
  it("personal data only for an admin; a period it cannot read, a strange checkbox value or a control character refused", () => {
    const admin = { role: "admin" as const, departmentId: null };
    const hrUser = { role: "hr" as const, departmentId: null };
    expect(readPackRequest({ period: "FY2025", personalData: "on" }, admin, 4)).toMatchObject({ ok: true, personalData: true, period: { from: "2025-04-01" } });
    expect(readPackRequest({ period: "FY2025", personalData: "" }, hrUser, 4)).toMatchObject({ ok: true, personalData: false });
    expect(readPackRequest({ period: "FY2025", personalData: "on" }, hrUser, 4)).toEqual({ ok: false, error: "adminOnly" });
    expect(readPackRequest({ period: "FY2025", personalData: "yes" }, admin, 4)).toEqual({ ok: false, error: "personalData" });
    expect(readPackRequest({ period: "FY20x5", personalData: "" }, admin, 4)).toEqual({ ok: false, error: "badPeriod" });
    expect(readPackRequest({ period: "FY2025\u0000", personalData: "" }, admin, 4)).toEqual({ ok: false, error: "forbidden" });
  });
});

describe("the policy register", () => {
  it("validates a new version and lists the versions in force in a period", () => {
    const db = memoryDb();
    const bad = addPolicyForm(db, { title: "", version: "1", adoptedOn: "2025-04-10", announcedOn: "2025-04-01", places: "", url: "javascript:x", notes: "" }, TODAY, hr);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(["announcedOn", "title", "url"]);
    const ok = addPolicyForm(db, { title: "基本方針", version: "第1版", adoptedOn: "2025-04-01", announcedOn: "２０２５-04-15", places: "社内イントラ\r\n\r\n店頭掲示\n社内イントラ", url: "", notes: "" }, TODAY, hr);
    expect(ok.ok).toBe(true);
    expect(listPolicies(db)[0]).toMatchObject({ announcedOn: "2025-04-15", places: ["社内イントラ", "店頭掲示"], createdBy: hr.name });
    const v = [{ id: 1, adoptedOn: "2023-01-01" }, { id: 2, adoptedOn: "2024-01-01" }, { id: 3, adoptedOn: "2025-06-01" }, { id: 4, adoptedOn: "2026-06-01" }];
    expect(versionsForPeriod(v, "2025-04-01", "2026-03-31").map((x) => x.id)).toEqual([2, 3]);
  });
});

describe("npm run evidence", () => {
  let dir: string;
  let dbPath: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-evidence-cli-"));
    dbPath = path.join(dir, "kasuhara.db");
    const db = openDatabase(dbPath);
    seed(db);
    db.$client.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes a pack whose manifest verifies, and refuses a bad period with exit 2", async () => {
    const out = path.join(dir, "pack.zip");
    const p = startCli("scripts/evidence.ts", dbPath, ["--period", "FY2025", "--out", out]);
    expect((await p.exited).code, p.output.stderr).toBe(0);
    expect(p.output.stdout).toContain("README.txt");
    const { manifest } = verified(new Uint8Array(fs.readFileSync(out)));
    expect(manifest).toMatchObject({ period: { key: "FY2025" }, personalData: false });

    const bad = startCli("scripts/evidence.ts", dbPath, ["--period", "FY20x5", "--out", path.join(dir, "bad.zip")]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toContain("期間「FY20x5」を読み取れません");
    expect(fs.existsSync(path.join(dir, "bad.zip"))).toBe(false);
  }, 60_000);
});
