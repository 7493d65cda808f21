/**
 * How far an import is (docs/decisions/0020): one model for the page's bar (streamed from the worker) and the
 * terminal's, and the arithmetic behind it (rows per second, time remaining, the fraction of the whole run). Pure: no
 * clock of its own (the meter is given one), no I/O, safe in the browser bundle.
 *
 * Stages, in the order a run goes through them (a check stops after "indexing"):
 * - reading: pass 1: the file read, each row parsed, validated, de-duplicated and staged (measured in bytes of the
 *   file, so the time remaining is known before the number of rows is);
 * - indexing: the staging file finished (its last transaction committed, its cache given back) and the previous
 *   imports of the same file looked up;
 * - checking: the de-duplication again in SQL, only when another writer changed incidents meanwhile (0017);
 * - storing: the staged rows merged into the database in chunks, inside the one write transaction;
 * - done.
 */
import type { MessageKey, Params } from "~/i18n";

export const IMPORT_STAGES = ["reading", "indexing", "checking", "storing", "done"] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

export interface ImportProgress {
  stage: ImportStage;
  /** Data rows of the file read so far (the header and blank lines excluded); never goes back. */
  rowsRead: number;
  /** The file's data rows: known once reading is over. */
  rowsTotal?: number;
  /** Rows stored so far (new incidents and replacements), in the storing stage. */
  rowsStored: number;
  /** Rows the storing stage will store, once it has begun. */
  rowsToStore?: number;
  bytesRead: number;
  bytesTotal: number;
  /** The current stage's pace: rows read per second while reading, rows stored per second while storing (smoothed). */
  rowsPerSecond: number;
  /** Seconds left in the current stage, when there is enough to estimate it from. */
  etaSeconds?: number;
  /** The whole run, 0 … 1, never going back: what a bar shows. */
  fraction: number;
}

export type OnImportProgress = (progress: ImportProgress) => void;

/** How long a change of pace takes to show in the smoothed rows per second (an exponential moving average). */
export const RATE_TIME_CONSTANT_MS = 3_000;

/**
 * The smoothed rate after `units` more were done in `ms`: an exponential moving average whose weight follows the time
 * elapsed, so that calls at any interval give the same curve. `previous` undefined: the first measure is taken as it is.
 */
export function smoothRate(previous: number | undefined, units: number, ms: number, timeConstantMs = RATE_TIME_CONSTANT_MS): number {
  if (ms <= 0) return previous ?? 0;
  const instant = (units / ms) * 1000;
  if (previous === undefined) return instant;
  const weight = 1 - Math.exp(-ms / timeConstantMs);
  return previous + weight * (instant - previous);
}

/**
 * Seconds left when `done` of `total` are done at `perSecond`; undefined when not known yet (no pace, or too little done
 * for the estimate to mean anything).
 */
export function remainingSeconds(done: number, total: number, perSecond: number, minimumFraction = 0.01): number | undefined {
  if (total <= 0 || perSecond <= 0 || done / total < minimumFraction) return undefined;
  return Math.max(0, (total - done) / perSecond);
}

/**
 * The share of the whole run each stage takes on the bar when the run will store: the check pass and the merge take
 * about 55 % and 45 % of an import at 100,000 – 1,000,000 rows (docs/decisions/0017's measurements). A check alone
 * (a dry run) gives the whole bar to reading.
 */
const STORE_WEIGHTS = { reading: [0, 0.55], indexing: [0.55, 0.56], checking: [0.56, 0.6], storing: [0.6, 1], done: [1, 1] } as const;
const CHECK_WEIGHTS = { reading: [0, 0.97], indexing: [0.97, 1], checking: [1, 1], storing: [1, 1], done: [1, 1] } as const;

export function overallFraction(stage: ImportStage, stageFraction: number, willStore: boolean): number {
  const [from, to] = (willStore ? STORE_WEIGHTS : CHECK_WEIGHTS)[stage];
  return from + (to - from) * Math.min(1, Math.max(0, stageFraction));
}

export interface MeterOptions {
  /** Whether this run goes on to store (not a dry run): decides how the bar is shared between the stages. */
  willStore: boolean;
  /** Milliseconds, monotonic (performance.now by default). */
  now?: () => number;
  /** At most one report per this many milliseconds within a stage (a change of stage is always reported). */
  intervalMs?: number;
}

/**
 * Turns the importer's counters into reports: throttled, with the pace smoothed and the time left estimated. The
 * importer calls it on every chunk of the file and every chunk of the merge; it calls `emit` at most every
 * `intervalMs`, and at every change of stage.
 */
export class ProgressMeter {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly willStore: boolean;
  private stage: ImportStage = "reading";
  private rowsRead = 0;
  private rowsTotal: number | undefined;
  private rowsStored = 0;
  private rowsToStore: number | undefined;
  private bytesRead = 0;
  private bytesTotal = 0;
  private rate: number | undefined;
  /** The counter the pace is measured on (rows read, then rows stored) and when it was last sampled. */
  private sampledUnits = 0;
  private sampledAt: number;
  private emittedAt = -Infinity;
  private fraction = 0;

  constructor(
    private readonly emit: OnImportProgress,
    options: MeterOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 50;
    this.willStore = options.willStore;
    this.sampledAt = this.now();
  }

  /** Pass 1: `bytesRead` of the file read, `rowsRead` data rows read from it. */
  reading(rowsRead: number, bytesRead: number, bytesTotal: number): void {
    this.rowsRead = Math.max(this.rowsRead, rowsRead);
    this.bytesRead = bytesRead;
    this.bytesTotal = bytesTotal;
    this.tick(false);
  }

  /**
   * A new stage begins (reported at once). Leaving "reading" fixes the number of rows (`rowsRead`: the last rows, parsed
   * after the last bytes were counted); "storing" says how many will be stored.
   */
  enter(stage: ImportStage, detail: { rowsRead?: number; rowsToStore?: number } = {}): void {
    if (stage === this.stage && detail.rowsToStore === undefined) return;
    if (detail.rowsRead !== undefined) this.rowsRead = Math.max(this.rowsRead, detail.rowsRead);
    if (this.stage === "reading" && stage !== "reading") {
      this.rowsTotal = this.rowsRead;
      this.bytesRead = this.bytesTotal;
    }
    this.stage = stage;
    if (detail.rowsToStore !== undefined) this.rowsToStore = detail.rowsToStore;
    // The pace is per stage: it starts again from the first measure of the new one.
    this.rate = undefined;
    this.sampledUnits = stage === "storing" ? this.rowsStored : this.rowsRead;
    this.sampledAt = this.now();
    this.tick(true);
  }

  /** The storing stage: `rowsStored` of the rows to store are in the database (not yet committed). */
  storing(rowsStored: number): void {
    this.rowsStored = Math.max(this.rowsStored, rowsStored);
    // The last rows stored are always told, however soon after the previous report: the bar then stands full.
    this.tick(this.rowsToStore !== undefined && this.rowsStored >= this.rowsToStore);
  }

  /** The end of the run (also after a check, or a run that stored nothing). */
  done(): void {
    this.enter("done");
  }

  /** The report as it stands (for a caller that wants the last state, e.g. at the end). */
  current(): ImportProgress {
    const storing = this.stage === "storing";
    const done = storing ? this.rowsStored : this.stage === "reading" ? this.bytesRead : 1;
    const total = storing ? (this.rowsToStore ?? 0) : this.stage === "reading" ? this.bytesTotal : 1;
    const stageFraction = this.stage === "done" ? 1 : total > 0 ? done / total : 0;
    // Never back: a bar that jumps back reads as a fault.
    this.fraction = Math.max(this.fraction, overallFraction(this.stage, stageFraction, this.willStore));
    const rowsPerSecond = Math.round(this.rate ?? 0);
    let etaSeconds: number | undefined;
    if (this.stage === "reading") {
      // By bytes: rows are not counted in advance, and the bytes left say how many rows are left.
      const bytesPerSecond = this.rowsRead > 0 && this.bytesRead > 0 ? (this.rate ?? 0) * (this.bytesRead / this.rowsRead) : 0;
      etaSeconds = remainingSeconds(this.bytesRead, this.bytesTotal, bytesPerSecond);
    } else if (storing) {
      etaSeconds = remainingSeconds(this.rowsStored, this.rowsToStore ?? 0, this.rate ?? 0);
    } else if (this.stage === "done") etaSeconds = 0;
    return {
      stage: this.stage,
      rowsRead: this.rowsRead,
      ...(this.rowsTotal === undefined ? {} : { rowsTotal: this.rowsTotal }),
      rowsStored: this.rowsStored,
      ...(this.rowsToStore === undefined ? {} : { rowsToStore: this.rowsToStore }),
      bytesRead: this.bytesRead,
      bytesTotal: this.bytesTotal,
      rowsPerSecond,
      ...(etaSeconds === undefined ? {} : { etaSeconds: Math.round(etaSeconds) }),
      fraction: this.fraction,
    };
  }

  private tick(force: boolean): void {
    const now = this.now();
    if (!force && now - this.emittedAt < this.intervalMs) return;
    const units = this.stage === "storing" ? this.rowsStored : this.rowsRead;
    const elapsed = now - this.sampledAt;
    if (elapsed > 0 && (units > this.sampledUnits || this.rate !== undefined)) {
      this.rate = smoothRate(this.rate, units - this.sampledUnits, elapsed);
      this.sampledUnits = units;
      this.sampledAt = now;
    }
    this.emittedAt = now;
    this.emit(this.current());
  }
}

/**
 * Lets through a change of stage, the end, and otherwise at most one report per `intervalMs` (the worker posts at most
 * 5 a second to the server; the terminal redraws at most 10 times a second).
 */
export function throttleProgress(emit: OnImportProgress, intervalMs: number, now: () => number = () => performance.now()): OnImportProgress {
  let last = -Infinity;
  let stage: ImportStage | undefined;
  return (p) => {
    const t = now();
    if (p.stage === stage && p.stage !== "done" && t - last < intervalMs) return;
    last = t;
    stage = p.stage;
    emit(p);
  };
}

/** A progress id as the page makes one (random, URL-safe); anything else is refused. */
export const PROGRESS_ID = /^[A-Za-z0-9_-]{22,64}$/;

export function isProgressId(value: unknown): value is string {
  return typeof value === "string" && PROGRESS_ID.test(value);
}

type Translate = (key: MessageKey, params?: Params) => string;

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** A duration as the bar says it: seconds under a minute, then minutes and seconds. */
export function durationText(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? t("importProgress.seconds", { s }) : t("importProgress.minutes", { m: Math.floor(s / 60), s: s % 60 });
}

/**
 * A report in words, in the language of `t`: the stage's name and the parts of the line under the bar (rows, pace,
 * time left), each left out when not known. The page and the terminal both say it this way.
 */
export function describeProgress(p: ImportProgress, t: Translate): { stage: string; parts: string[]; text: string } {
  const parts: string[] = [];
  if (p.stage === "storing" && p.rowsToStore !== undefined) {
    parts.push(t("importProgress.storedOf", { done: count(p.rowsStored), total: count(p.rowsToStore) }));
  } else if (p.rowsTotal !== undefined) {
    parts.push(t("importProgress.rowsOf", { done: count(p.rowsRead), total: count(p.rowsTotal) }));
  } else if (p.bytesTotal > 0 && p.bytesRead / p.bytesTotal >= 0.01 && p.rowsRead > 0) {
    // The rows of the whole file, estimated from the share of its bytes read so far.
    const estimate = Math.max(p.rowsRead, (p.rowsRead * p.bytesTotal) / p.bytesRead);
    parts.push(t("importProgress.rowsOfAbout", { done: count(p.rowsRead), total: count(roundEstimate(estimate)) }));
  } else parts.push(t("importProgress.rows", { done: count(p.rowsRead) }));
  if ((p.stage === "reading" || p.stage === "storing") && p.rowsPerSecond > 0) {
    parts.push(t("importProgress.rate", { rate: count(p.rowsPerSecond) }));
  }
  // Under a second left says nothing worth reading ("about 0 s").
  if (p.etaSeconds !== undefined && p.etaSeconds >= 1 && p.stage !== "done") parts.push(t("importProgress.eta", { time: durationText(p.etaSeconds, t) }));
  return { stage: t(`importProgress.stage.${p.stage}`), parts, text: parts.join(t("importProgress.separator")) };
}

/** An estimate shown with no more precision than it has: three significant digits. */
function roundEstimate(n: number): number {
  if (n < 1000) return Math.round(n);
  const unit = 10 ** (Math.floor(Math.log10(n)) - 2);
  return Math.round(n / unit) * unit;
}
