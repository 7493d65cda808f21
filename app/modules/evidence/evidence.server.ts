/**
 * Evidence files of an incident (recordings, e-mails, screenshots of posts): stored under EVIDENCE_DIR (default
 * data/evidence) by a random name, with their SHA-256 in the database. Only these types are accepted, each download
 * is audited, and deleting an incident (or retention) removes its files.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { evidenceFiles, type EvidenceFile } from "../../../db/schema";
import { AppError } from "../errors";
import { audit, type Actor } from "../auth/audit.server";
import { replaceForbiddenCharacters } from "../validation";

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

/** Extension → the type the file is served as. Anything else is refused. */
export const ALLOWED_TYPES: Record<string, string> = {
  ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".wav": "audio/wav", ".ogg": "audio/ogg",
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".pdf": "application/pdf", ".txt": "text/plain", ".eml": "message/rfc822",
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

export async function addEvidence(db: Db, incidentId: number, file: File, actor: Actor): Promise<EvidenceFile> {
  const mimeType = evidenceType(file.name);
  if (!mimeType) throw new AppError(415, "evidence.errors.type");
  if (file.size === 0) throw new AppError(400, "evidence.errors.empty");
  if (file.size > MAX_EVIDENCE_BYTES) throw new AppError(413, "evidence.errors.tooLarge");
  const bytes = Buffer.from(await file.arrayBuffer());
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const storedName = `${randomUUID()}${path.extname(file.name).toLowerCase()}`;
  fs.mkdirSync(evidenceDir(), { recursive: true });
  const target = path.join(evidenceDir(), storedName);
  fs.writeFileSync(target, bytes, { flag: "wx" });
  try {
    return db.transaction(() => {
      const row = db
        .insert(evidenceFiles)
        .values({ incidentId, fileName: storableName(file.name), mimeType, size: bytes.length, sha256, storedName, uploadedBy: actor.name })
        .returning()
        .get();
      audit(db, actor, "evidence.uploaded", { type: "incident", id: incidentId }, { evidence: row.id, size: row.size, sha256 });
      return row;
    });
  } catch (e) {
    fs.rmSync(target, { force: true }); // nothing half-written: no file without its row
    throw e;
  }
}

/** The file of one evidence row of an incident, for a download; the download is audited. */
export function openEvidence(db: Db, incidentId: number, evidenceId: number, actor: Actor): { row: EvidenceFile; bytes: Buffer } | null {
  const row = db.select().from(evidenceFiles).where(eq(evidenceFiles.id, evidenceId)).get();
  if (!row || row.incidentId !== incidentId) return null;
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
