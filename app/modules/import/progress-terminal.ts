/**
 * The import's progress on a terminal (`npm run import`, docs/decisions/0020): one line on stderr, redrawn in place.
 * `progressLine` is pure (tested as it is); `terminalProgress` writes it, at most 10 times a second, only to a
 * terminal, and ends with a new line so that what follows starts on its own.
 */
import { translate } from "~/i18n";
import { describeProgress, type ImportProgress, type OnImportProgress, throttleProgress } from "./progress";

const BAR_WIDTH = 12;

/** Characters a terminal draws two columns wide: CJK, kana, Hangul, full-width forms. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/**
 * `text` cut to `columns` terminal columns. A line wider than the terminal wraps, and `\r` then goes back only to the
 * start of its last part: every redraw would leave a line behind.
 */
export function fitColumns(text: string, columns: number): string {
  let used = 0;
  let out = "";
  for (const ch of text) {
    const w = WIDE.test(ch) ? 2 : 1;
    if (used + w > columns) return `${out.slice(0, Math.max(0, out.length - 1))}…`;
    used += w;
    out += ch;
  }
  return out;
}

/**
 * `読込・検査 [###.........]  22% 41,000 / 約100,000行 · 4,100行/秒 · 残り約14秒` (Japanese, as the rest of the
 * command; the stage's short name, so that an 80-column terminal shows the whole line).
 */
export function progressLine(p: ImportProgress, width = BAR_WIDTH, columns = Infinity): string {
  const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate("ja", key, params);
  const { text } = describeProgress(p, t);
  const stage = t(`importProgress.short.${p.stage}`);
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * width);
  const pct = String(Math.floor(p.fraction * 100)).padStart(3);
  return fitColumns(`${stage} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}% ${text}`, columns);
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
    // One column spare: a line that fills the last column makes some terminals wrap.
    stream.write(`\r${progressLine(p, BAR_WIDTH, (stream.columns || 80) - 1)}\x1b[K`);
    open = p.stage !== "done";
    if (!open) stream.write("\n");
  }, 100);
  const finish = () => {
    if (open) stream.write("\n");
    open = false;
  };
  return { onProgress, finish };
}
