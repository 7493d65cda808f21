/**
 * Evidence files of an incident (recordings, e-mails, screenshots of posts): stored under EVIDENCE_DIR (default
 * data/evidence) by a random name, with their SHA-256 in the database. Only these types are accepted, and only when
 * the content is of the type the extension says (signatures.ts); several files are added together or not at all.
 * Each download is audited. HR removes a wrong file with a reason: the file goes, its row stays as the record.
 * Deleting an incident (or retention) removes its files.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { evidenceFiles, type EvidenceFile } from "../../../db/schema";
import { AppError, type FieldErrors, type Message } from "../errors";
import { audit, type Actor } from "../auth/audit.server";
import { z } from "zod";
import { msg, plainText, replaceForbiddenCharacters } from "../validation";
import { contentMatches } from "./signatures";

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
/** Files in one upload, and the bytes of all of them together (the request is read into memory). */
export const MAX_EVIDENCE_FILES = 10;
export const MAX_EVIDENCE_UPLOAD_BYTES = 60 * 1024 * 1024;

/** Extension → the type the file is served as. Anything else is refused. */
export const ALLOWED_TYPES: Record<string, string> = {
  ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".wav": "audio/wav", ".ogg": "audio/ogg",
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".pdf": "application/pdf", ".txt": "text/plain", ".eml": "message/rfc822",
  ".mp4": "video/mp4",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function evidenceDir(): string {
  return path.resolve(process.env.EVIDENCE_DIR ?? "data/evidence");
}

/** The type of an uploaded file by its extension, or null when it is not one we keep. */
export function evidenceType(fileName: string): string | null {
  return ALLOWED_TYPES[path.extname(fileName).toLowerCase()] ?? null;
}

export function listEvidence(db: Db, incidentId: number): EvidenceFile[] {
  return db.select().from(evidenceFiles).where(eq(evidenceFiles.incidentId, incidentId)).orderBy(evidenceFiles.id).all();
}

/**
 * The name kept for a file: its base name, at most 200 characters, with the characters no text may hold (control
 * characters, U+FFFD from a garbled name, lone surrogates) replaced: the name is the user's file's, not typed text.
 */
export function storableName(name: string): string {
  const kept = replaceForbiddenCharacters(path.basename(name), "_").slice(0, 200);
  return /[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept; // not half of a pair
}

/** Why one file cannot be kept: its HTTP status and the message naming it; null when it can. */
function fileProblem(name: string, size: number, bytes: Buffer): { status: number; single: Message; named: Message } | null {
  const ext = path.extname(name).toLowerCase();
  const params = { name: storableName(name), ext: ext || "—" };
  if (!evidenceType(name)) return { status: 415, single: { key: "evidence.errors.type" }, named: { key: "evidence.errors.typeOf", params } };
  if (size === 0) return { status: 400, single: { key: "evidence.errors.empty" }, named: { key: "evidence.errors.emptyOf", params } };
  if (size > MAX_EVIDENCE_BYTES) return { status: 413, single: { key: "evidence.errors.tooLarge" }, named: { key: "evidence.errors.tooLargeOf", params } };
  if (!contentMatches(ext, bytes)) return { status: 415, single: { key: "evidence.errors.content", params }, named: { key: "evidence.errors.content", params } };
  return null;
}

/**
 * Adds several files to an incident, all or none: every file is checked first (type, size, content), and the refusal
 * names each file that failed (field `file_<n>`, n from 0 in the order posted); one file's refusal is that file's own
 * error (status 415, 400 or 413). The rows and their audit entries are written in one transaction; the files written
 * before it are removed again if it fails.
 */
export async function addEvidenceFiles(db: Db, incidentId: number, files: File[], actor: Actor): Promise<EvidenceFile[]> {
  if (files.length > MAX_EVIDENCE_FILES) throw new AppError(413, "evidence.errors.tooMany", { params: { n: MAX_EVIDENCE_FILES } });
  // Sizes first: a file over the limit is not read into memory at all.
  const read = await Promise.all(files.map(async (file) => ({ file, bytes: file.size > MAX_EVIDENCE_BYTES ? Buffer.alloc(0) : Buffer.from(await file.arrayBuffer()) })));
  const problems = read.map(({ file, bytes }) => fileProblem(file.name, file.size, bytes));
  if (files.length === 1 && problems[0]) throw new AppError(problems[0].status, problems[0].single.key, { params: problems[0].single.params });
  if (problems.some(Boolean)) {
    const fieldErrors: FieldErrors = {};
    problems.forEach((p, i) => {
      if (p) fieldErrors[`file_${i}`] = p.named;
    });
    throw new AppError(422, "evidence.errors.noneAdded", { fieldErrors });
  }
  fs.mkdirSync(evidenceDir(), { recursive: true });
  const written: string[] = [];
  try {
    const stored = read.map(({ file, bytes }) => {
      const storedName = `${randomUUID()}${path.extname(file.name).toLowerCase()}`;
      fs.writeFileSync(path.join(evidenceDir(), storedName), bytes, { flag: "wx" });
      written.push(storedName);
      return { file, bytes, storedName, sha256: createHash("sha256").update(bytes).digest("hex") };
    });
    return db.transaction(() =>
      stored.map(({ file, bytes, storedName, sha256 }) => {
        const row = db
          .insert(evidenceFiles)
          .values({ incidentId, fileName: storableName(file.name), mimeType: evidenceType(file.name)!, size: bytes.length, sha256, storedName, uploadedBy: actor.name })
          .returning()
          .get();
        audit(db, actor, "evidence.uploaded", { type: "incident", id: incidentId }, { evidence: row.id, size: row.size, sha256 });
        return row;
      }),
    );
  } catch (e) {
    removeStoredFiles(written); // nothing half-written: no file without its row
    throw e;
  }
}

/** One file: addEvidenceFiles of one. */
export async function addEvidence(db: Db, incidentId: number, file: File, actor: Actor): Promise<EvidenceFile> {
  const [row] = await addEvidenceFiles(db, incidentId, [file], actor);
  return row;
}

/** The reason for removing a file: required, at most 500 characters of plain text. */
export const removalSchema = z.object({
  reason: plainText({ multiline: true })
    .transform((s) => s.normalize("NFKC").trim())
    .pipe(z.string().min(1, { message: msg("evidence.errors.reason") }).max(500, { message: msg("evidence.errors.reason") })),
});

/**
 * HR or an admin removes a wrong file, saying why: the row keeps what the file was (name, size, SHA-256, uploader)
 * and records who removed it, when and why; the stored file is deleted once that is committed. The audit entry holds
 * the ids and the hash, not the reason (free text, kept in the row only).
 */
export function removeEvidence(db: Db, incidentId: number, evidenceId: number, reason: string, actor: Actor): void {
  const row = db.transaction(() => {
    const found = db.select().from(evidenceFiles).where(eq(evidenceFiles.id, evidenceId)).get();
    if (!found || found.incidentId !== incidentId) throw new AppError(404, "evidence.notFound");
    if (found.removedAt) throw new AppError(409, "evidence.errors.alreadyRemoved");
    db.update(evidenceFiles)
      .set({ removedAt: new Date().toISOString(), removedBy: actor.userId, removedReason: reason })
      .where(and(eq(evidenceFiles.id, evidenceId), isNull(evidenceFiles.removedAt)))
      .run();
    audit(db, actor, "evidence.removed", { type: "incident", id: incidentId }, { evidence: found.id, sha256: found.sha256 });
    return found;
  });
  removeStoredFiles([row.storedName]);
}

/** One evidence row of an incident (for the removal page), or null. */
export function getEvidence(db: Db, incidentId: number, evidenceId: number): EvidenceFile | null {
  const row = db.select().from(evidenceFiles).where(eq(evidenceFiles.id, evidenceId)).get();
  return row && row.incidentId === incidentId ? row : null;
}

/** The file of one evidence row of an incident, for a download; the download is audited. */
export function openEvidence(db: Db, incidentId: number, evidenceId: number, actor: Actor): { row: EvidenceFile; bytes: Buffer } | null {
  const row = db.select().from(evidenceFiles).where(eq(evidenceFiles.id, evidenceId)).get();
  if (!row || row.incidentId !== incidentId) return null;
  if (row.removedAt) throw new AppError(410, "evidence.gone"); // removed on purpose: gone, not missing
  const file = path.join(evidenceDir(), row.storedName);
  if (!fs.existsSync(file)) return null;
  audit(db, actor, "evidence.downloaded", { type: "incident", id: incidentId }, { evidence: row.id });
  return { row, bytes: fs.readFileSync(file) };
}

/** The stored files of some incidents (to remove once their rows are gone). */
export function storedFilesOf(db: Db, incidentIds: number[]): string[] {
  if (incidentIds.length === 0) return [];
  return db.select({ name: evidenceFiles.storedName }).from(evidenceFiles).where(inArray(evidenceFiles.incidentId, incidentIds)).all().map((r) => r.name);
}

/** Removes files from the evidence folder (after the transaction that removed their rows committed). */
export function removeStoredFiles(names: string[]): void {
  for (const name of names) fs.rmSync(path.join(evidenceDir(), path.basename(name)), { force: true });
}
