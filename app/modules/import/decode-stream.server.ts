import { Transform } from "node:stream";
import type { Encoding } from "./decode";

/**
 * A stream of bytes in → a stream of text out. Invalid sequences become U+FFFD rather than stopping mid-file;
 * the importer reports the rows that contain one.
 */
export function decodingStream(encoding: Encoding): Transform {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      const text = decoder.decode(chunk, { stream: true });
      done(null, text.length ? text : undefined);
    },
    flush(done) {
      const text = decoder.decode();
      done(null, text.length ? text : undefined);
    },
  });
}
