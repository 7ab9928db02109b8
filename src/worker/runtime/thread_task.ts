/**
 * Piscina worker: evaluates a row range of a population state that lives in shared memory (`shareState`).
 * Varied rows land in the shared state, where the owner's `tell` reuses them. Run contexts are built once
 * per thread and run.
 */
import type { EvolutionState } from '../../shared/algorithms/types.js';
import type { FitnessVector, NeRunSpec } from '../../shared/protocol/index.js';
import type { BackendName } from '../engine/index.js';
import { buildRunContext, type RunContext } from './run_context.js';

export interface ShardTask {
  readonly spec: NeRunSpec;
  /** Identifies the spec's content, so a reused run id with another spec gets a fresh context. */
  readonly specKey: string;
  readonly backend: BackendName;
  readonly state: EvolutionState;
  readonly start: number;
  readonly end: number;
}

export interface ShardTaskResult {
  readonly fitness: FitnessVector;
  readonly computeSeconds: number;
}

const contexts = new Map<string, Promise<RunContext>>();
const MAX_CONTEXTS = 8;

function contextFor(task: ShardTask): Promise<RunContext> {
  const key = `${task.backend}|${task.specKey}`;
  let ctx = contexts.get(key);
  if (ctx === undefined) {
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    ctx = buildRunContext(task.spec, { backend: task.backend });
    contexts.set(key, ctx);
    ctx.catch(() => contexts.delete(key));
  }
  return ctx;
}

/** Evaluates rows [start, end) of the task's state in this thread. */
export default async function evaluateShardTask(task: ShardTask): Promise<ShardTaskResult> {
  const ctx = await contextFor(task);
  const t0 = performance.now();
  const fitness = await ctx.evaluateRows(task.state, task.start, task.end);
  return { fitness, computeSeconds: (performance.now() - t0) / 1000 };
}
