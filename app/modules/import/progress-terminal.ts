/**
 * The import's progress on a terminal (`npm run import`, docs/decisions/0020): one line on stderr, redrawn in place.
 * `progressLine` is pure (tested as it is); `terminalProgress` writes it, at most 10 times a second, only to a
 * terminal, and ends with a new line so that what follows starts on its own.
 */
import { translate } from "~/i18n";
import { describeProgress, type ImportProgress, type OnImportProgress, throttleProgress } from "./progress";

const BAR_WIDTH = 24;

/** `読み込み … [#####.......]  41% 41,000 / 約 100,000 行 · 4,100 行/秒 · 残り約 14 秒` (Japanese, as the rest of the command). */
export function progressLine(p: ImportProgress, width = BAR_WIDTH): string {
  const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate("ja", key, params);
  const { stage, text } = describeProgress(p, t);
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * width);
  const pct = String(Math.floor(p.fraction * 100)).padStart(3);
  return `${stage} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}% ${text}`;
}

/**
 * A progress callback drawing on `stream` when it is a terminal; undefined otherwise (a pipe, a file, a CI log: the
 * carriage returns would only litter it). `finish` ends the line if the run stopped before "done" (an unusable file).
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { onProgress: OnImportProgress; finish: () => void } | undefined {
  if (!stream.isTTY) return undefined;
  let open = false;
  const onProgress = throttleProgress((p) => {
    // \r back to the start of the line, \x1b[K clears what a longer line left behind.
    stream.write(`\r${progressLine(p)}\x1b[K`);
    open = p.stage !== "done";
    if (!open) stream.write("\n");
  }, 100);
  const finish = () => {
    if (open) stream.write("\n");
    open = false;
  };
  return { onProgress, finish };
}
