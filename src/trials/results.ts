/**
 * One trial's results folder, as DESIGN.md fixes it: config.json, metrics.jsonl, summary.json, checkpoints/.
 * Every write is crash-safe: whole files go through the atomic writer (src/platform), and metrics lines are appended
 * whole, so an interrupted run leaves only complete records behind.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../platform/atomic_file.js';
import { writeTorchModel } from '../data/model_files.js';
import type { MlpSpec } from '../shared/model/mlp.js';

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

/**
 * The folder of one trial: results/<experiment>/<run-id>/. `Metric`, `Summary` and `Config` are the types of its
 * metrics.jsonl records, summary.json and config.json: one owner writes and reads them back, so reads are typed
 * as what that owner writes (a folder shipped from a worker is checked by whoever receives it).
 */
export class TrialDirectory<Metric extends object = Record<string, unknown>, Summary = unknown, Config = unknown> {
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
  begin(config: Config): void {
    mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(this.configPath, config);
    writeFileSync(this.metricsPath, '');
  }

  /** Appends one metrics record as a single line. */
  appendMetric(record: Metric): void {
    appendFileSync(this.metricsPath, JSON.stringify(record) + '\n');
  }

  /** Rewrites metrics.jsonl with exactly `records` (used when resuming: drop records past the checkpoint). */
  rewriteMetrics(records: readonly Metric[]): void {
    writeFileAtomic(this.metricsPath, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** The metrics records written so far (a torn last line is skipped). */
  metrics(): Metric[] {
    return readJsonl<Metric>(this.metricsPath);
  }

  config(): Config | undefined {
    return readJsonIfExists<Config>(this.configPath);
  }

  /** The summary, present once the trial finished. */
  summary(): Summary | undefined {
    return readJsonIfExists<Summary>(this.summaryPath);
  }

  /** Writes summary.json, which marks the trial complete: call it last. */
  writeSummary(summary: Summary): void {
    writeJsonAtomic(this.summaryPath, summary);
  }

  /**
   * The trained parameters (raw little-endian float32, the flat layout of src/shared/model); given the network's
   * `model`, also model.safetensors + model.json, which PyTorch loads (see the README).
   */
  writeFinalParams(params: Float32Array, model?: { readonly spec: MlpSpec; readonly envId?: string }): void {
    writeFileAtomic(
      join(this.dir, 'final_params.f32'),
      new Uint8Array(params.buffer.slice(params.byteOffset, params.byteOffset + params.byteLength)),
    );
    if (model !== undefined) writeTorchModel(this.dir, model.spec, params, model.envId, { ifEnvUnknown: 'omit' });
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
