/**
 * OpenAI-ES (Salimans, Ho, Chen, Sidor & Sutskever 2017, "Evolution Strategies as a Scalable Alternative to
 * Reinforcement Learning") as a pure ask/tell state machine, following the authors' released code
 * (openai/evolution-strategies-starter):
 *
 * - `ask`: P/2 mirrored pairs θ + σε_j, θ − σε_j (antithetic sampling), ε_j ~ N(0, I) keyed by
 *   (seed, generation, j); rows 2j and 2j+1;
 * - `tell`: fitness → centred ranks in [−0.5, 0.5] over all P candidates (fitness shaping: only the order
 *   counts), g = Σ_j (u_{2j} − u_{2j+1})·ε_j / P, then Adam minimises −g + λ·θ (L2 weight decay). As in the
 *   released code g is not divided by σ; the step size absorbs it.
 *
 * NaN fitness ranks below every number.
 */
import { InvalidArgumentError } from '../../errors.js';
import { CounterRng, RngPurpose } from '../../rng/philox.js';
import type { OpenAiEsConfig, OpenAiEsOptions, OpenAiEsSnapshot, OpenAiEsState, SearchAlgorithm } from './types.js';

export const OPENAI_ES_DEFAULTS = {
  populationSize: 50,
  sigma: 0.02,
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0.005,
} as const;

function fail(field: string, expected: string, got: unknown): never {
  throw new InvalidArgumentError(`openai_es: ${field} must be ${expected} (got ${String(got)})`);
}

function inRange(field: string, value: number, min: number, max: number, open = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (open ? value > min : value >= min) && value <= max;
  if (!ok) fail(field, `a number in ${open ? '(' : '['}${min}, ${max}]`, value);
  return value;
}

/** OpenAI-ES's configuration with defaults filled in; throws InvalidArgumentError naming a bad field. */
export function resolveOpenAiEsConfig(options: OpenAiEsOptions = {}): OpenAiEsConfig {
  const d = OPENAI_ES_DEFAULTS;
  const populationSize = options.populationSize ?? d.populationSize;
  if (!Number.isInteger(populationSize) || populationSize < 2 || populationSize % 2 !== 0 || populationSize > 1 << 24) {
    fail('populationSize', 'an even integer in [2, 16777216] (candidates come in mirrored pairs)', populationSize);
  }
  const direction = options.direction ?? 'maximize';
  if (direction !== 'maximize' && direction !== 'minimize') fail('direction', "'maximize' or 'minimize'", direction);
  return {
    algorithm: 'openai_es',
    populationSize,
    sigma: inRange('sigma', options.sigma ?? d.sigma, 0, 1e30, true),
    learningRate: inRange('learningRate', options.learningRate ?? d.learningRate, 0, 1e30, true),
    beta1: inRange('beta1', options.beta1 ?? d.beta1, 0, 0.999999999),
    beta2: inRange('beta2', options.beta2 ?? d.beta2, 0, 0.999999999),
    epsilon: inRange('epsilon', options.epsilon ?? d.epsilon, 0, 1, true),
    weightDecay: inRange('weightDecay', options.weightDecay ?? d.weightDecay, 0, 1e30),
    direction,
  };
}

function init(center: Float32Array, options: OpenAiEsOptions | undefined, seed: number): OpenAiEsState {
  if (!(center instanceof Float32Array) || center.length === 0) {
    throw new InvalidArgumentError('openai_es: init needs a non-empty Float32Array as the starting point');
  }
  for (let j = 0; j < center.length; j++) {
    if (!Number.isFinite(center[j])) {
      throw new InvalidArgumentError(`openai_es: starting point parameter ${j} is ${center[j]}; it must be finite`);
    }
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(`openai_es: seed must be a non-negative integer (got ${String(seed)})`);
  }
  const n = center.length;
  return {
    config: resolveOpenAiEsConfig(options),
    seed,
    generation: 0,
    numParams: n,
    theta: Float64Array.from(center),
    m: new Float64Array(n),
    v: new Float64Array(n),
    t: 0,
    bestFitness: NaN,
    scratch: { population: null },
  };
}

/** ε_j of pair j in this generation (float64, from the 23-bit-resolution normals of CounterRng). */
function pairNoise(state: OpenAiEsSnapshot, pair: number, out: Float64Array): Float64Array {
  const rng = CounterRng.from(state.seed, RngPurpose.openaiEsNoise, state.generation, pair);
  for (let j = 0; j < out.length; j++) out[j] = rng.nextNormal();
  return out;
}

function ask(state: OpenAiEsState): Float32Array {
  if (state.scratch.population !== null) return state.scratch.population;
  const n = state.numParams;
  const { sigma, populationSize } = state.config;
  const out = new Float32Array(populationSize * n);
  const eps = new Float64Array(n);
  for (let p = 0; p < populationSize / 2; p++) {
    pairNoise(state, p, eps);
    const plus = 2 * p * n;
    const minus = plus + n;
    for (let j = 0; j < n; j++) {
      out[plus + j] = state.theta[j] + sigma * eps[j];
      out[minus + j] = state.theta[j] - sigma * eps[j];
    }
  }
  state.scratch.population = out;
  return out;
}

/** Centred ranks: the i-th lowest score gets i/(P−1) − 0.5 (ties to the lower index; NaN lowest). */
export function centeredRanks(scores: ArrayLike<number>): Float64Array {
  const P = scores.length;
  const key = (i: number): number => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  const order = Array.from({ length: P }, (_, i) => i).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
  const out = new Float64Array(P);
  for (let r = 0; r < P; r++) out[order[r]] = P > 1 ? r / (P - 1) - 0.5 : 0;
  return out;
}

function tell(state: OpenAiEsState, fitness: ArrayLike<number>): OpenAiEsState {
  const { config } = state;
  const P = config.populationSize;
  if (fitness.length !== P) {
    throw new InvalidArgumentError(
      `openai_es: tell needs ${P} fitness values (one per candidate of ask); got ${fitness.length}`,
    );
  }
  const n = state.numParams;
  const maximize = config.direction === 'maximize';
  const scores = new Float64Array(P);
  let bestFitness = NaN;
  for (let i = 0; i < P; i++) {
    scores[i] = maximize ? fitness[i] : -fitness[i];
    if (
      !Number.isNaN(scores[i]) &&
      (Number.isNaN(bestFitness) || scores[i] > (maximize ? bestFitness : -bestFitness))
    ) {
      bestFitness = fitness[i];
    }
  }
  const u = centeredRanks(scores);
  const g = new Float64Array(n);
  const eps = new Float64Array(n);
  for (let p = 0; p < P / 2; p++) {
    const diff = u[2 * p] - u[2 * p + 1];
    if (diff === 0) continue;
    pairNoise(state, p, eps);
    for (let j = 0; j < n; j++) g[j] += diff * eps[j];
  }
  // Adam on the loss gradient −g/P + λθ (the released code's `optimizer.update(-g + l2coeff * theta)`).
  const t = state.t + 1;
  const { beta1, beta2, epsilon, learningRate, weightDecay } = config;
  const a = (learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  const theta = new Float64Array(n);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const grad = -g[j] / P + weightDecay * state.theta[j];
    m[j] = beta1 * state.m[j] + (1 - beta1) * grad;
    v[j] = beta2 * state.v[j] + (1 - beta2) * grad * grad;
    theta[j] = state.theta[j] - (a * m[j]) / (Math.sqrt(v[j]) + epsilon);
  }
  return {
    ...state,
    generation: state.generation + 1,
    theta,
    m,
    v,
    t,
    bestFitness,
    scratch: { population: null },
  };
}

function float64(field: string, value: unknown, length: number): Float64Array {
  const ok =
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    (Array.isArray(value) && value.every((x) => typeof x === 'number'));
  if (!ok || (value as ArrayLike<number>).length !== length) {
    throw new InvalidArgumentError(
      `openai_es state: ${field} must be ${length} numbers; the snapshot is damaged or from another run`,
    );
  }
  return Float64Array.from(value as ArrayLike<number>);
}

function count(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`openai_es state: ${field} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

function restore(s: OpenAiEsSnapshot): OpenAiEsState {
  if (s === null || typeof s !== 'object' || s.config?.algorithm !== 'openai_es') {
    throw new InvalidArgumentError('openai_es state: expected a snapshot as openaiEs.snapshot() makes');
  }
  const n = count('numParams', s.numParams);
  if (typeof s.bestFitness !== 'number')
    throw new InvalidArgumentError('openai_es state: bestFitness must be a number');
  return {
    config: resolveOpenAiEsConfig(s.config),
    seed: count('seed', s.seed),
    generation: count('generation', s.generation),
    numParams: n,
    theta: float64('theta', s.theta, n),
    m: float64('m', s.m, n),
    v: float64('v', s.v, n),
    t: count('t', s.t),
    bestFitness: s.bestFitness,
    scratch: { population: null },
  };
}

/** OpenAI-ES: mirrored sampling, centred ranks, Adam with L2 weight decay. */
export const openaiEs: SearchAlgorithm<OpenAiEsOptions, OpenAiEsState, OpenAiEsSnapshot> = {
  name: 'openai_es',
  init,
  ask,
  tell,
  populationSize: (state) => state.config.populationSize,
  center: (state) => Float32Array.from(state.theta),
  snapshot: (state) => {
    const { scratch: _scratch, ...rest } = state;
    return rest;
  },
  restore,
};
