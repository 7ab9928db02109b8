/**
 * Progress of a long experiment: a redrawn status line on a terminal, plain log lines otherwise
 * (CI logs, files, pipes), each with the overall ETA.
 */

export interface ProgressSink {
  /** `trial` finished `done` of `total` units of its own work. */
  update(trial: string, done: number, total: number): void;
  /** A trial ended (with a one-line result). */
  finishTrial(trial: string, result: string): void;
  log(line: string): void;
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

/** Creates the progress display for `totalTrials` trials; `stream` defaults to stderr. */
export function createProgress(
  totalTrials: number,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressSink {
  const tty = stream.isTTY === true && process.env.CI === undefined;
  const start = now();
  let finished = 0;
  let current = 0; // fraction of the running trial
  let lastLog = 0;
  const eta = (): string => {
    const fraction = (finished + current) / Math.max(1, totalTrials);
    const elapsed = (now() - start) / 1000;
    return fraction > 0 ? formatDuration((elapsed * (1 - fraction)) / fraction) : '?';
  };
  const overall = (): string => `[${finished}/${totalTrials} trials, ETA ${eta()}]`;
  const clear = (): void => {
    if (tty) stream.write('\r\x1b[2K');
  };
  return {
    update(trial, done, total) {
      current = total > 0 ? Math.min(1, done / total) : 0;
      const pct = (current * 100).toFixed(0).padStart(3);
      if (tty) {
        clear();
        stream.write(`${overall()} ${trial} ${pct}%`);
      } else if (now() - lastLog >= 10_000) {
        lastLog = now();
        stream.write(`${overall()} ${trial} ${pct}%\n`);
      }
    },
    finishTrial(trial, result) {
      finished++;
      current = 0;
      clear();
      stream.write(`${overall()} done ${trial}: ${result}\n`);
    },
    log(line) {
      clear();
      stream.write(line + '\n');
    },
    close() {
      clear();
    },
  };
}
