/**
 * One trial's results folder, as DESIGN.md fixes it: config.json, metrics.jsonl, summary.json, checkpoints/.
 * Every write is crash-safe: whole files go through a temp file + rename, and metrics lines are appended whole,
 * so an interrupted run leaves only complete records behind.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Writes `data` to `path` atomically: readers see the old file or the new one, never half of one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${threadId}`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Writes JSON atomically, pretty-printed so results are readable by people too. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Reads a JSON file, or returns undefined when it does not exist. */
export function readJsonIfExists<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Reads a JSONL file's complete lines (a torn last line from a crash is skipped). */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      if (i < lines.length - 1) throw new Error(`${path}:${i + 1}: corrupt JSON line in the middle of the file`);
    }
  }
  return out;
}

/** The folder of one trial: results/<experiment>/<run-id>/. */
export class TrialDirectory {
  readonly configPath: string;
  readonly metricsPath: string;
  readonly summaryPath: string;
  readonly checkpointDir: string;

  constructor(readonly dir: string) {
    this.configPath = join(dir, 'config.json');
    this.metricsPath = join(dir, 'metrics.jsonl');
    this.summaryPath = join(dir, 'summary.json');
    this.checkpointDir = join(dir, 'checkpoints');
  }

  /** True once the trial finished: summary.json is written last. */
  isComplete(): boolean {
    return existsSync(this.summaryPath);
  }

  /** Starts (or restarts from scratch) the trial: clears metrics, writes config. */
  begin(config: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(this.configPath, config);
    writeFileSync(this.metricsPath, '');
  }

  /** Appends one metrics record as a single line. */
  appendMetric(record: Record<string, unknown>): void {
    appendFileSync(this.metricsPath, JSON.stringify(record) + '\n');
  }

  /** Rewrites metrics.jsonl with exactly `records` (used when resuming: drop records past the checkpoint). */
  rewriteMetrics(records: readonly Record<string, unknown>[]): void {
    writeFileAtomic(this.metricsPath, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  metrics<T = Record<string, unknown>>(): T[] {
    return readJsonl<T>(this.metricsPath);
  }

  config<T>(): T | undefined {
    return readJsonIfExists<T>(this.configPath);
  }

  summary<T>(): T | undefined {
    return readJsonIfExists<T>(this.summaryPath);
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(this.summaryPath, summary);
  }

  /** The trained parameters (raw little-endian float32, the flat layout of src/shared/model). */
  writeFinalParams(params: Float32Array): void {
    writeFileAtomic(
      join(this.dir, 'final_params.f32'),
      new Uint8Array(params.buffer.slice(params.byteOffset, params.byteOffset + params.byteLength)),
    );
  }

  readFinalParams(): Float32Array | undefined {
    const p = join(this.dir, 'final_params.f32');
    if (!existsSync(p)) return undefined;
    const b = readFileSync(p);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  /** Saves the latest checkpoint (replacing the previous one atomically). */
  writeCheckpoint(name: string, data: Uint8Array): void {
    writeFileAtomic(join(this.checkpointDir, name), data);
  }

  readCheckpoint(name: string): Uint8Array | undefined {
    const p = join(this.checkpointDir, name);
    return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
  }
}
