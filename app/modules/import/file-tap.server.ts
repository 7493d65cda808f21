/**
 * What every record source does with the bytes of its file on their way to the parser: hash them (the batch's
 * SHA-256, which tells a file imported before) and report how far the reading is.
 */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";

export function fileTap(totalBytes: number, onProgress?: (bytesRead: number, totalBytes: number) => void): { tap: Transform; sha256: () => string } {
  const hash = createHash("sha256");
  let bytesRead = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      onProgress?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  return { tap, sha256: () => hash.digest("hex") };
}
