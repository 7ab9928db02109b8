/**
 * Run checkpoints: the population state, the fitness histories so far and the spec, as one msgpack file
 * written atomically (temp file + fsync + rename + folder fsync), so a crash leaves the previous checkpoint or the new
 * one, never half of one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import type { EvolutionSnapshot } from '../shared/algorithms/types.js';
import { EvoscaleError } from '../shared/errors.js';
import { validateRunSpec, type NeRunSpec } from '../shared/protocol/index.js';
import { writeFileAtomic } from '../platform/atomic_file.js';
import { specKey } from '../worker/runtime/spec_key.js';

const FORMAT = 'evoscale-ne-checkpoint';
const FORMAT_VERSION = 1;
export const CHECKPOINT_FILE = 'latest.msgpack';

const codec = new Packr({ moreTypes: true, useRecords: false });

export interface FitnessHistory {
  best: number[];
  median: number[];
  mean: number[];
}

export interface RunCheckpoint {
  readonly spec: NeRunSpec;
  readonly snapshot: EvolutionSnapshot;
  readonly history: FitnessHistory;
  readonly evaluations: number;
  readonly wallSeconds: number;
}

export class CheckpointError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'CHECKPOINT');
  }
}

/** Writes `checkpoints/latest.msgpack` under `dir` atomically. */
export function writeCheckpoint(dir: string, checkpoint: RunCheckpoint): void {
  writeFileAtomic(
    join(dir, 'checkpoints', CHECKPOINT_FILE),
    codec.pack({ format: FORMAT, version: FORMAT_VERSION, ...checkpoint }),
  );
}

/**
 * The run's checkpoint under `dir`, or undefined when there is none. Throws CheckpointError when it exists
 * but belongs to another spec or is damaged (delete it, or use another output folder).
 */
export function readCheckpoint(dir: string, spec: NeRunSpec): RunCheckpoint | undefined {
  const path = join(dir, 'checkpoints', CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = codec.unpack(readFileSync(path));
  } catch (e) {
    throw new CheckpointError(
      `${path}: cannot decode the checkpoint (${(e as Error).message}); delete it to start the run over`,
    );
  }
  const c = raw as Partial<RunCheckpoint> & { format?: unknown; version?: unknown };
  if (c === null || typeof c !== 'object' || c.format !== FORMAT || c.version !== FORMAT_VERSION) {
    throw new CheckpointError(
      `${path}: not an evoscale run checkpoint of format ${FORMAT_VERSION}; delete it to start over`,
    );
  }
  const saved = validateRunSpec(c.spec, `${path}: spec`);
  if (specKey(saved) !== specKey(spec)) {
    throw new CheckpointError(
      `${path} belongs to a different spec for run ${spec.runId}; use another --out folder or delete the checkpoint to start over`,
    );
  }
  const h = c.history;
  if (!h || !Array.isArray(h.best) || !Array.isArray(h.median) || !Array.isArray(h.mean) || c.snapshot === undefined) {
    throw new CheckpointError(`${path}: the checkpoint is damaged (history or state missing); delete it to start over`);
  }
  if (h.best.length !== c.snapshot.generation) {
    throw new CheckpointError(
      `${path}: history has ${h.best.length} generations but the state is at ${c.snapshot.generation}`,
    );
  }
  return {
    spec: saved,
    snapshot: c.snapshot,
    history: { best: h.best, median: h.median, mean: h.mean },
    evaluations: typeof c.evaluations === 'number' ? c.evaluations : 0,
    wallSeconds: typeof c.wallSeconds === 'number' ? c.wallSeconds : 0,
  };
}
