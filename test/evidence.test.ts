/** Evidence files: the allow-list and size limit, the SHA-256, and removal with the incident or by retention. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addEvidence, addEvidenceFiles, evidenceDir, listEvidence, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, openEvidence, removalSchema, removeEvidence,
} from "~/modules/evidence/evidence.server";
import { contentMatches, SIGNATURES } from "~/modules/evidence/signatures";
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

/** The first bytes of a real file of each type (enough for its signature). */
const zipWith = (part: string) => new Uint8Array(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]), Buffer.alloc(22), Buffer.from(`${part}document.xml`)]));
const SAMPLES: Record<string, Uint8Array<ArrayBuffer>> = {
  ".png": new Uint8Array(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])),
  ".jpg": new Uint8Array(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46])),
  ".jpeg": new Uint8Array(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0, 16])),
  ".gif": new Uint8Array(Buffer.from("GIF89a\x01\x00\x01\x00", "latin1")),
  ".webp": new Uint8Array(Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1")),
  ".pdf": new Uint8Array(Buffer.from("%PDF-1.7\n%âãÏÓ\n", "latin1")),
  ".mp3": new Uint8Array(Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1")),
  ".m4a": new Uint8Array(Buffer.from("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "latin1")),
  ".mp4": new Uint8Array(Buffer.from("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "latin1")),
  ".wav": new Uint8Array(Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1")),
  ".ogg": new Uint8Array(Buffer.from("OggS\x00\x02", "latin1")),
  ".docx": zipWith("word/"),
  ".xlsx": zipWith("xl/"),
  ".txt": new Uint8Array(Buffer.from("録音の書き起こし: 責任者を出せ\n")),
  ".eml": new Uint8Array(Buffer.from("From: a@example.com\r\nSubject: =?UTF-8?B?6Ium5oOF?=\r\n\r\n本文")),
};

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
    const fa = await addEvidence(db, a, new File([SAMPLES[".png"]], "a.png"), actor);
    const fb = await addEvidence(db, b, new File([SAMPLES[".pdf"]], "b.pdf"), actor);
    deleteIncident(db, a, actor);
    expect(fs.existsSync(path.join(dir, fa.storedName))).toBe(false);
    expect(listEvidence(db, a)).toEqual([]);
    expect(erasePersonalData(db, TODAY, 5, actor).incidents).toBe(1);
    expect(fs.existsSync(path.join(dir, fb.storedName))).toBe(false);
    expect(listEvidence(db, b)).toEqual([]);
  });

  it("knows each allowed type by its content, and refuses content of another kind under its extension", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(SIGNATURES).sort());
    for (const [ext, bytes] of Object.entries(SAMPLES)) {
      expect(contentMatches(ext, bytes), ext).toBe(true);
      expect(contentMatches(ext.toUpperCase(), bytes), ext).toBe(true);
    }
    // Every other type's bytes are refused (text is text whatever its name: .txt and .eml share them).
    for (const ext of Object.keys(SIGNATURES)) {
      for (const [other, bytes] of Object.entries(SAMPLES)) {
        const same = SAMPLES[other] === SAMPLES[ext] || (ext === ".jpg" && other === ".jpeg") || (ext === ".jpeg" && other === ".jpg")
          || ([".m4a", ".mp4"].includes(ext) && [".m4a", ".mp4"].includes(other)) || ([".txt", ".eml"].includes(ext) && [".txt", ".eml"].includes(other));
        if (!same) expect(contentMatches(ext, bytes), `${other} as ${ext}`).toBe(false);
      }
    }
    expect(contentMatches(".txt", Buffer.from("a\u0000b"))).toBe(false); // NUL: not text
    expect(contentMatches(".txt", Buffer.from([0x82, 0xa0, 0x82, 0xa2]))).toBe(true); // あい in Shift_JIS
    expect(contentMatches(".txt", Buffer.from([0xff, 0xfe, 0xfd]))).toBe(false); // neither UTF-8 nor Shift_JIS
    expect(contentMatches(".docx", zipWith("xl/"))).toBe(false); // a workbook named .docx
    expect(contentMatches(".exe", Buffer.from("MZ"))).toBe(false);
  });

  it("refuses a text file renamed .png with a message naming it, and stores nothing", async () => {
    const db = memoryDb();
    const id = incident(db);
    const before = fs.readdirSync(dir).length;
    try {
      await addEvidence(db, id, new File(["ただのテキストです"], "スクリーンショット.png"), actor);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(415);
      expect((e as AppError).userFacing).toEqual({ key: "evidence.errors.content", params: { name: "スクリーンショット.png", ext: ".png" } });
    }
    expect(listEvidence(db, id)).toEqual([]);
    expect(fs.readdirSync(dir).length).toBe(before);
  });

  it("adds several files in one go, all or none, naming each file that was refused", async () => {
    const db = memoryDb();
    const id = incident(db);
    const before = fs.readdirSync(dir).length;
    const good = [new File([SAMPLES[".pdf"]], "通知書.pdf"), new File([SAMPLES[".mp3"]], "通話.mp3"), new File([SAMPLES[".docx"]], "経緯.docx")];
    try {
      await addEvidenceFiles(db, id, [...good, new File(["偽物"], "fake.png"), new File([""], "empty.txt"), new File(["x"], "tool.exe")], actor);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).status).toBe(422);
      expect((e as AppError).userMessage).toBe("evidence.errors.noneAdded");
      expect((e as AppError).fieldErrors).toEqual({
        file_3: { key: "evidence.errors.content", params: { name: "fake.png", ext: ".png" } },
        file_4: { key: "evidence.errors.emptyOf", params: { name: "empty.txt", ext: ".txt" } },
        file_5: { key: "evidence.errors.typeOf", params: { name: "tool.exe", ext: ".exe" } },
      });
    }
    expect(listEvidence(db, id)).toEqual([]);
    expect(fs.readdirSync(dir).length).toBe(before);
    await expect(addEvidenceFiles(db, id, Array.from({ length: MAX_EVIDENCE_FILES + 1 }, () => good[0]), actor)).rejects.toMatchObject({ status: 413 });
    const rows = await addEvidenceFiles(db, id, good, actor);
    expect(listEvidence(db, id).map((r) => [r.fileName, r.mimeType])).toEqual([
      ["通知書.pdf", "application/pdf"], ["通話.mp3", "audio/mpeg"], ["経緯.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ]);
    expect(rows.every((r) => fs.existsSync(path.join(dir, r.storedName)))).toBe(true);
    // A failure inside the transaction takes the files already written with it.
    db.$client.exec("create trigger no_third before insert on evidence_files when (select count(*) from evidence_files) >= 4 begin select raise(abort, 'full'); end");
    const count = fs.readdirSync(dir).length;
    await expect(addEvidenceFiles(db, id, good, actor)).rejects.toThrow("full");
    expect(listEvidence(db, id)).toHaveLength(3);
    expect(fs.readdirSync(dir).length).toBe(count);
  });

  it("lets HR remove a wrong file with a reason: the file goes, the record stays, downloads answer 410, the audit holds no reason", async () => {
    const db = memoryDb();
    const id = incident(db);
    const row = await addEvidence(db, id, new File([SAMPLES[".jpg"]], "別の事案の写真.jpg"), actor);
    expect(removalSchema.safeParse({ reason: "  " }).success).toBe(false);
    expect(removalSchema.safeParse({ reason: "x".repeat(501) }).success).toBe(false);
    expect(removalSchema.safeParse({ reason: "理由\u0000" }).success).toBe(false);
    const reason = removalSchema.parse({ reason: " 別の事案の写真を誤って登録した " }).reason;
    expect(() => removeEvidence(db, id + 1, row.id, reason, actor)).toThrow(AppError); // not through another incident
    removeEvidence(db, id, row.id, reason, actor);
    expect(fs.existsSync(path.join(dir, row.storedName))).toBe(false);
    const kept = listEvidence(db, id)[0];
    expect(kept).toMatchObject({ fileName: "別の事案の写真.jpg", size: row.size, sha256: row.sha256, uploadedBy: "hr@example.com", removedBy: 1, removedReason: "別の事案の写真を誤って登録した" });
    expect(kept.removedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(() => openEvidence(db, id, row.id, actor)).toThrow(expect.objectContaining({ status: 410 }));
    expect(() => removeEvidence(db, id, row.id, reason, actor)).toThrow(expect.objectContaining({ status: 409 }));
    const entry = db.$client.prepare("select detail from audit_log where action = 'evidence.removed'").all() as { detail: string }[];
    expect(entry.map((e) => JSON.parse(e.detail))).toEqual([{ evidence: row.id, sha256: row.sha256 }]);
  });
});
