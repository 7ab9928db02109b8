/**
 * Runs whole trials (SGD baselines, small neuroevolution trials) for the coordinator: the trial's folder is
 * recreated in a temporary directory from the files sent (so a checkpoint resumes), the embedded trial executor
 * (the same one `run` and `sweep` use on one machine) trains it on a pool thread, and the finished folder is sent
 * back for the coordinator to store; a trial stopped on request comes back with its checkpoint instead.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { InvalidArgumentError } from '../../shared/errors.js';
import type { JsonObject, TrainTrialMessage } from '../../shared/protocol/index.js';
import { TrialStoppedError, type TrialSpec, type TrialSummary } from '../../trials/trial.js';
import { isTempFile } from '../../platform/atomic_file.js';
import { embeddedTrialExecutor } from '../../trials/executor.js';
import type { BackendName } from '../../worker/engine/backends.js';
import { validateTrialSpec } from '../../shared/protocol/trial_spec.js';

export interface TrialProgress {
  readonly done: number;
  readonly total: number;
  readonly loss?: number;
}

export interface TrialOutput {
  readonly summary: JsonObject;
  /** Every file of the trial folder, by path relative to it. */
  readonly files: Record<string, Uint8Array>;
}

/** A trial stopped on request at `stoppedAt`: its folder, checkpoint included, to resume from. */
export interface StoppedTrialOutput {
  readonly stoppedAt: number;
  readonly files: Record<string, Uint8Array>;
}

export interface TrialRunner {
  /** Runs the trial; aborting `stop` makes it checkpoint at its next step and come back as a StoppedTrialOutput. */
  run(
    msg: TrainTrialMessage,
    onProgress: (p: TrialProgress) => void,
    stop?: AbortSignal,
  ): Promise<TrialOutput | StoppedTrialOutput>;
  close(): Promise<void>;
}

/**
 * Checks a trial spec that arrived off the wire against the trial spec schema (every field, unknown fields
 * refused) before handing it to the trial runner; a malformed spec is refused, never cast.
 */
export function checkTrialSpec(trial: JsonObject, trialId: string): TrialSpec {
  const spec: TrialSpec = validateTrialSpec(trial, `trial ${trialId}`);
  if (spec.id !== trialId) throw new InvalidArgumentError(`trial spec id ${spec.id} does not match trial ${trialId}`);
  // Experiment 3's trials need the human episodes, which stay on the coordinator's machine.
  if (spec.experiment === 'exp3') {
    throw new InvalidArgumentError(
      `trial ${trialId}: experiment must be exp1, exp2, scaling or hybrid, got ${spec.experiment}`,
    );
  }
  return spec;
}

/** All files under `dir` (not temp files of interrupted writes), by relative path. */
export function readFolder(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!isTempFile(name)) out[relative(dir, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Writes `files` (relative paths) under `dir`. */
export function writeFolder(dir: string, files: Readonly<Record<string, Uint8Array>>): void {
  for (const [rel, data] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}

function lastLoss(dir: string): number | undefined {
  try {
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const rec = JSON.parse(lines[i]) as { trainLoss?: unknown };
      if (typeof rec.trainLoss === 'number') return rec.trainLoss;
    }
  } catch {
    // no metrics yet
  }
  return undefined;
}

/**
 * A runner with `threads` trials at once. A trial runs on the backend its spec names (none: 'cpu'); one
 * that says 'auto' runs on `autoBackend`, the worker's own --backend.
 */
export function createTrialRunner(threads: number, autoBackend: BackendName = 'auto'): TrialRunner {
  const executor = embeddedTrialExecutor(Math.max(1, threads), autoBackend);
  return {
    async run(msg, onProgress, stop) {
      const spec = checkTrialSpec(msg.trial, msg.trialId);
      const dir = mkdtempSync(join(tmpdir(), 'evoscale-trial-'));
      try {
        writeFolder(dir, msg.files);
        let summary: TrialSummary;
        try {
          summary = await executor.run(
            spec,
            dir,
            (p) => {
              const loss = lastLoss(dir);
              onProgress({ done: p.done, total: p.total, ...(loss !== undefined ? { loss } : {}) });
            },
            stop,
          );
        } catch (err) {
          if (err instanceof TrialStoppedError) return { stoppedAt: err.step, files: readFolder(dir) };
          throw err;
        }
        return { summary: JSON.parse(JSON.stringify(summary)) as JsonObject, files: readFolder(dir) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    close: () => executor.close(),
  };
}
