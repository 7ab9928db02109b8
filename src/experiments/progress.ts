/**
 * Progress of a long experiment: a redrawn status line on a terminal, plain log lines otherwise
 * (CI logs, files, pipes), each with the overall ETA.
 */
import { loadRenderer } from '../plots/render.js';
import type { LineLevel, Logger } from '../platform/log.js';

export interface ProgressSink {
  /** `trial` finished `done` of `total` units of its own work. */
  update(trial: string, done: number, total: number): void;
  /** A trial ended (with a one-line result). */
  finishTrial(trial: string, result: string): void;
  log(line: string, level?: LineLevel): void;
  close(): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

/** A trial's share of the whole run's work: planned FLOPs or steps, in any unit shared by all trials of a run. */
export interface PlannedWork {
  readonly id: string;
  readonly weight: number;
}

/**
 * The ETA arithmetic, apart from the display so that it can be tested with a fake clock. The overall ETA weighs each
 * trial by its planned work (a 30000-row trial is not worth one 100-row trial), and follows every running trial,
 * since trials run in parallel. A trial's own ETA extrapolates its own rate since its first update.
 */
export class EtaModel {
  private readonly weights = new Map<string, number>();
  private readonly total: number;
  private readonly fractions = new Map<string, number>();
  private readonly trialStart = new Map<string, number>();
  /** When trials began to report, and the fraction done then (trials finished before, e.g. on a resume). */
  private clock: { start: number; fraction: number } | undefined;
  private done = 0; // weight of finished trials
  private finishedCount = 0;

  constructor(
    plan: readonly PlannedWork[] | number,
    private readonly now: () => number,
  ) {
    const items =
      typeof plan === 'number' ? Array.from({ length: plan }, (_, i) => ({ id: `#${i}`, weight: 1 })) : plan;
    for (const p of items) this.weights.set(p.id, Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 1);
    this.total = [...this.weights.values()].reduce((a, w) => a + w, 0);
  }

  get trials(): number {
    return this.weights.size;
  }

  get finished(): number {
    return this.finishedCount;
  }

  /** Unknown trials (not in the plan) weigh as much as an average planned one. */
  private weightOf(trial: string): number {
    return this.weights.get(trial) ?? this.total / Math.max(1, this.weights.size);
  }

  update(trial: string, fraction: number): void {
    // The clock starts with the first trial's work, not with the run: loading data and starting threads before it
    // would otherwise be extrapolated over the whole run (one 40M-step trial once showed an ETA of 1087 h).
    this.clock ??= { start: this.now(), fraction: this.fraction() };
    if (!this.trialStart.has(trial)) this.trialStart.set(trial, this.now());
    this.fractions.set(trial, Math.min(1, Math.max(0, fraction)));
  }

  finish(trial: string): void {
    this.fractions.delete(trial);
    this.trialStart.delete(trial);
    this.done += this.weightOf(trial);
    this.finishedCount++;
  }

  /** Fraction of the run's planned work done. */
  fraction(): number {
    let running = 0;
    for (const [t, f] of this.fractions) running += f * this.weightOf(t);
    return Math.min(1, (this.done + running) / Math.max(Number.MIN_VALUE, this.total));
  }

  /** Seconds left for the whole run, or undefined before any work is done. */
  etaSeconds(): number | undefined {
    const f = this.fraction();
    if (f >= 1) return 0;
    if (this.clock === undefined) return undefined;
    const doneHere = f - this.clock.fraction;
    if (!(doneHere > 0)) return undefined;
    return ((this.now() - this.clock.start) / 1000) * ((1 - f) / doneHere);
  }

  /** Seconds left for one running trial, or undefined before it has made progress. */
  trialEtaSeconds(trial: string): number | undefined {
    const f = this.fractions.get(trial);
    const t0 = this.trialStart.get(trial);
    if (f === undefined || t0 === undefined || !(f > 0)) return undefined;
    return ((this.now() - t0) / 1000) * ((1 - f) / f);
  }
}

/**
 * Creates the progress display for a run's trials (their planned work, or just how many for equal weights);
 * `stream` defaults to stderr. Off a terminal, with `log` given, progress goes out as log lines (JSON for a log
 * collector) carrying the figures as fields: `trial`, `percent`, `etaSeconds`, `trialEtaSeconds`, `finished`.
 */
export function createProgress(
  plan: readonly PlannedWork[] | number,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
  log?: Logger,
): ProgressSink {
  const tty = stream.isTTY === true && process.env.CI === undefined;
  const model = new EtaModel(plan, now);
  let lastLog = 0;
  const fmt = (s: number | undefined): string => (s === undefined ? '?' : formatDuration(s));
  const overall = (): string => `[${model.finished}/${model.trials} trials, ETA ${fmt(model.etaSeconds())}]`;
  const clear = (): void => {
    if (tty) stream.write('\r\x1b[2K');
  };
  const secs = (s: number | undefined): number | null => (s === undefined ? null : Math.round(s));
  const emit = (line: string, fields: Record<string, unknown>, level: LineLevel = 'info'): void => {
    if (log !== undefined && !tty) log[level]({ ...fields, finished: model.finished, trials: model.trials }, line);
    else stream.write(line + '\n');
  };
  return {
    update(trial, done, total) {
      const current = total > 0 ? Math.min(1, done / total) : 0;
      model.update(trial, current);
      const pct = (current * 100).toFixed(0).padStart(3);
      const line = `${overall()} ${trial} ${pct}% (trial ETA ${fmt(model.trialEtaSeconds(trial))})`;
      if (tty) {
        clear();
        stream.write(line);
      } else if (now() - lastLog >= 10_000) {
        lastLog = now();
        emit(line, {
          trial,
          percent: Math.round(current * 100),
          etaSeconds: secs(model.etaSeconds()),
          trialEtaSeconds: secs(model.trialEtaSeconds(trial)),
        });
      }
    },
    finishTrial(trial, result) {
      model.finish(trial);
      clear();
      emit(`${overall()} done ${trial}: ${result}`, { trial, etaSeconds: secs(model.etaSeconds()) });
    },
    log(line, level) {
      clear();
      emit(line, {}, level);
    },
    close() {
      clear();
    },
  };
}

/**
 * `sink`, starting to load the figures' renderer (Vega, Vega-Lite: about 0.8 s of CPU) at the first trial's first
 * report: it then loads on this thread while trials run their generations on theirs, instead of competing with a
 * trial thread's own start, or waiting until the trials are done.
 */
export function preloadingRenderer(sink: ProgressSink): ProgressSink {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    // A failure to load shows at the first figure.
    loadRenderer().catch(() => undefined);
  };
  return {
    update: (trial, done, total) => {
      start();
      sink.update(trial, done, total);
    },
    finishTrial: (trial, result) => {
      start();
      sink.finishTrial(trial, result);
    },
    log: (line, level) => sink.log(line, level),
    close: () => sink.close(),
  };
}
