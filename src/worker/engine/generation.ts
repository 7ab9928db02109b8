/**
 * One generation's variation and evaluation of a row range of a population state, inline in this thread:
 * the work a pool thread (or the calling thread) does for its share. Uses the WebAssembly SIMD agent
 * kernel where available, else the algorithms' own `askRows` and the JavaScript kernel.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { askRows, assertLive } from '../../shared/algorithms/variation.js';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import { paramCount, type MlpSpec } from '../../shared/model/mlp.js';
import { AgentKernel } from './agent_kernel.js';
import { evaluateShardJs } from './js_kernel.js';
import type { FitnessKind } from './types.js';

/** One generation of a population to vary and score: the state's rows [start, end) on one labelled batch. */
export interface PopulationRequest {
  readonly spec: MlpSpec;
  /** A live state (`shareState(...)` for thread pools); its `seed` and `generation` key all noise. */
  readonly state: EvolutionState;
  /** n × inputs, row-major. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly fitness: FitnessKind;
  /** Sampling trials for macro_f1 (default 10). */
  readonly trials?: number;
  /** Rows to vary and evaluate (default: all). */
  readonly start?: number;
  readonly end?: number;
}

const kernels = new Map<string, AgentKernel | null>();

/** This thread's agent kernel for `spec` (built once), or null without WebAssembly SIMD. */
export function agentKernel(spec: MlpSpec): AgentKernel | null {
  const key = JSON.stringify([spec.inputs, spec.hidden, spec.outputs, spec.activation]);
  let k = kernels.get(key);
  if (k === undefined) {
    k = AgentKernel.create(spec) ?? null;
    kernels.set(key, k);
  }
  return k;
}

/** Checks a population request once at the edge; returns its row range. */
export function checkPopulationRequest(req: PopulationRequest): { start: number; end: number } {
  const { state, spec } = req;
  assertLive(state);
  const P = state.populationSize;
  const start = req.start ?? 0;
  const end = req.end ?? P;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > P || start > end) {
    throw new InvalidArgumentError(`rows must satisfy 0 ≤ start ≤ end ≤ ${P}; got start=${start}, end=${end}`);
  }
  if (state.numParams !== paramCount(spec)) {
    throw new InvalidArgumentError(
      `the population has ${state.numParams} parameters per agent but the network ${spec.inputs}→${spec.hidden.join('→')}→${spec.outputs} needs ${paramCount(spec)}`,
    );
  }
  if (!Number.isInteger(req.n) || req.n < 1 || req.x.length < req.n * spec.inputs || req.y.length < req.n) {
    throw new InvalidArgumentError(`the batch needs n ≥ 1 rows of ${spec.inputs} inputs and n labels; got n=${req.n}`);
  }
  return { start, end };
}

/** Where a thread takes its rows from: the front of the range, or its back (the thread that draws ahead). */
export type ClaimEnd = 'front' | 'back';

/**
 * Varies and scores rows claimed from shared counters until none are left, writing row a's fitness to
 * out[a]: several threads share one range this way, each taking the next rows when it is free, so a late
 * or slowed thread costs no one else's time. counters[index] holds the rows left, counters[index + 1] the
 * next row at the front, counters[index + 2] the end of the rows left at the back; each claim takes from
 * the rows left first, so front and back claims never overlap. Claims shrink as the range runs out (a
 * 1/(2·threads) share of what is left, at most `maxClaim` rows), so the threads finish together. Any
 * thread's rows are the same values, as every row is keyed by (seed, generation, agent).
 */
export function varyAndEvaluateClaimed(
  req: PopulationRequest,
  counters: Int32Array,
  index: number,
  from: ClaimEnd,
  threads: number,
  maxClaim: number,
  out: Float32Array,
): void {
  const kernel = agentKernel(req.spec);
  const trials = req.trials ?? 10;
  if (kernel !== null) kernel.setBatch(req.x, req.y, req.n);
  // A claim never splits into a full chunk and a small remainder.
  const most = kernel === null ? maxClaim : Math.min(maxClaim, kernel.chunk);
  for (;;) {
    const left = Atomics.load(counters, index);
    if (left <= 0) return;
    const want = Math.min(most, Math.ceil(left / (2 * threads)));
    const before = Atomics.sub(counters, index, want);
    if (before <= 0) return;
    const k = Math.min(want, before);
    const a = from === 'front' ? Atomics.add(counters, index + 1, k) : Atomics.sub(counters, index + 2, k) - k;
    if (kernel !== null) kernel.varyAndEvaluate(req.state, a, a + k, req.fitness, trials, out, a);
    else varyAndEvaluateRows(req, a, a + k, out, a);
  }
}

/**
 * Varies rows [start, end) of the state (the same values as `askRows`, kept in the state for `tell`) and
 * writes their fitness to out[0 … end − start).
 */
export function varyAndEvaluateRows(
  req: PopulationRequest,
  start: number,
  end: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const { state, spec } = req;
  const kernel = agentKernel(spec);
  const trials = req.trials ?? 10;
  if (kernel !== null) {
    kernel.setBatch(req.x, req.y, req.n);
    kernel.varyAndEvaluate(state, start, end, req.fitness, trials, out, outOffset);
    return;
  }
  const rows = askRows(state, start, end);
  const fit = evaluateShardJs({
    spec,
    params: rows,
    start,
    end,
    x: req.x,
    y: req.y,
    n: req.n,
    fitness: req.fitness,
    trials,
    seed: state.seed,
    generation: state.generation,
  });
  out.set(fit, outOffset);
}
