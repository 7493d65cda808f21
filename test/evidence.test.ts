/** Evidence files: the allow-list and size limit, the SHA-256, and removal with the incident or by retention. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEvidence, evidenceDir, listEvidence, MAX_EVIDENCE_BYTES, openEvidence } from "~/modules/evidence/evidence.server";
import { createIncident, deleteIncident } from "~/modules/incidents/mutations.server";
import { erasePersonalData } from "~/modules/retention/retention.server";
import { AppError } from "~/modules/errors";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor = { userId: 1, name: "hr@example.com", ip: "127.0.0.1" };
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-evidence-"));
  process.env.EVIDENCE_DIR = dir;
});
afterAll(() => {
  delete process.env.EVIDENCE_DIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

const incident = (db: ReturnType<typeof memoryDb>, occurred = "2025-05-01", closed = "2025-05-02") =>
  createIncident(db, incidentInput({ occurred_at: `${occurred}T10:00:00+09:00`, reported_at: null, closed_at: closed, report_submitted_at: null }), { today: TODAY });

describe("evidence files", () => {
  it("stores an allowed file outside the database with its SHA-256, and audits the upload and each download", async () => {
    const db = memoryDb();
    const id = incident(db);
    const content = "From: customer@example.com\r\nSubject: 苦情\r\n\r\n責任者を出せ";
    const row = await addEvidence(db, id, new File([content], "苦情メール.eml"), actor);
    expect(row).toMatchObject({ fileName: "苦情メール.eml", mimeType: "message/rfc822", sha256: createHash("sha256").update(content).digest("hex") });
    expect(evidenceDir()).toBe(path.resolve(dir));
    expect(fs.readFileSync(path.join(dir, row.storedName), "utf8")).toBe(content);
    expect(row.storedName).not.toContain("苦情");
    const opened = openEvidence(db, id, row.id, actor)!;
    expect(opened.bytes.toString("utf8")).toBe(content);
    expect(openEvidence(db, id + 1, row.id, actor)).toBeNull(); // not through another incident's URL
    const actions = (db.$client.prepare("select action from audit_log where action like 'evidence.%' order by id").all() as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(["evidence.uploaded", "evidence.downloaded"]);
  });

  it("refuses other types, empty and oversized files, and keeps nothing of them", async () => {
    const db = memoryDb();
    const id = incident(db);
    const before = fs.readdirSync(dir).length;
    for (const [file, status] of [
      [new File(["MZ..."], "tool.exe"), 415],
      [new File(["<script>"], "page.html"), 415],
      [new File([""], "empty.pdf"), 400],
      [new File([new Uint8Array(MAX_EVIDENCE_BYTES + 1)], "big.mp3"), 413],
    ] as const) {
      await expect(addEvidence(db, id, file, actor)).rejects.toMatchObject({ status });
    }
    expect(listEvidence(db, id)).toEqual([]);
    expect(fs.readdirSync(dir).length).toBe(before);
    await expect(addEvidence(db, id, new File(["x"], "a.exe"), actor)).rejects.toBeInstanceOf(AppError);
  });

  it("deletes an incident's files with the incident, and retention erases them", async () => {
    const db = memoryDb();
    const a = incident(db);
    const b = incident(db, "2020-01-01", "2020-01-10"); // closed more than 5 years before today
    const fa = await addEvidence(db, a, new File(["a"], "a.png"), actor);
    const fb = await addEvidence(db, b, new File(["b"], "b.pdf"), actor);
    deleteIncident(db, a, actor);
    expect(fs.existsSync(path.join(dir, fa.storedName))).toBe(false);
    expect(listEvidence(db, a)).toEqual([]);
    expect(erasePersonalData(db, TODAY, 5, actor).incidents).toBe(1);
    expect(fs.existsSync(path.join(dir, fb.storedName))).toBe(false);
    expect(listEvidence(db, b)).toEqual([]);
  });
});
