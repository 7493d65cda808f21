import { Transform } from "node:stream";
import type { Encoding } from "./decode";
import { RecordGuard } from "./record-guard";

/**
 * A stream of bytes in → a stream of text out. Invalid sequences become U+FFFD rather than stopping mid-file;
 * the importer reports the rows that contain one. A record longer than the guard allows ends the stream with
 * RecordTooLong (record-guard.ts): past that, papaparse's time and memory would grow without bound.
 */
export function decodingStream(encoding: Encoding): Transform {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  const guard = new RecordGuard();
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        const text = guard.push(decoder.decode(chunk, { stream: true }));
        done(null, text.length ? text : undefined);
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        const text = guard.push(decoder.decode()) + guard.end();
        done(null, text.length ? text : undefined);
      } catch (e) {
        done(e as Error);
      }
    },
  });
}
