/**
 * Episode-return fitness: every agent of a shard plays the same episodes (same reset seeds) with its greedy
 * policy, all agents × episodes stepped together in one vectorized env; fitness is the mean return.
 * A pure function of (parameters, env, seeds), so any thread or machine computes the same values.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { argmaxRows, forward, forwardScratch, paramCount, type MlpSpec } from '../../shared/model/mlp.js';
import { makeVec } from '../../shared/envs/vector/make_vec.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';

export interface RolloutRequest {
  readonly spec: MlpSpec;
  readonly envId: string;
  /** Agents' parameters, `agents` rows of paramCount(spec), row-major. */
  readonly params: Float32Array;
  readonly agents: number;
  /** Reset seed of each episode; every agent plays all of them. */
  readonly seeds: readonly number[];
  /** Stop an episode after this many steps (default: the env's own time limit). */
  readonly maxSteps?: number;
}

/** What a rollout cost, for FLOP accounting: forward passes of one observation each. */
export interface RolloutCost {
  forwardPasses: number;
}

/** Reset seeds of a generation's episodes: the same for every agent, keyed by (run seed, generation). */
export function episodeSeeds(runSeed: number, generation: number, episodes: number): number[] {
  const rng = CounterRng.from(runSeed, RngPurpose.envReset, generation);
  const seeds: number[] = [];
  for (let e = 0; e < episodes; e++) seeds.push(rng.nextInt(0x80000000));
  return seeds;
}

/** Mean episode return of each agent (float64, exact sums of the env's rewards). */
export function meanEpisodeReturns(
  req: RolloutRequest,
  out: Float64Array = new Float64Array(req.agents),
  cost?: RolloutCost,
): Float64Array {
  const { spec, agents, seeds } = req;
  const n = paramCount(spec);
  const E = seeds.length;
  if (E < 1) throw new InvalidArgumentError('rollouts need at least one episode per agent');
  if (req.params.length < agents * n) {
    throw new InvalidArgumentError(
      `rollouts: params hold ${req.params.length} values; ${agents} agents need ${agents * n}`,
    );
  }
  if (agents === 0) return out;
  // One generator per episode seed (sync), each episode played once (autoreset disabled).
  const env = makeVec(req.envId, agents * E, { vectorizationMode: 'sync', autoresetMode: 'disabled' });
  if (env.obsDim !== spec.inputs || env.singleActionSpace.n !== spec.outputs) {
    throw new InvalidArgumentError(
      `${req.envId} has ${env.obsDim} observations and ${env.singleActionSpace.n} actions; the network maps ${spec.inputs} → ${spec.outputs}: change the run's model`,
    );
  }
  const allSeeds: number[] = new Array<number>(agents * E);
  for (let a = 0; a < agents; a++) for (let e = 0; e < E; e++) allSeeds[a * E + e] = seeds[e];
  const { obs } = env.reset({ seed: allSeeds });
  const d = env.obsDim;
  const k = spec.outputs;
  const limit = Math.min(req.maxSteps ?? env.maxEpisodeSteps, env.maxEpisodeSteps);
  const actions = new Int32Array(agents * E);
  const done = new Uint8Array(agents * E);
  const totals = new Float64Array(agents * E);
  const logits = new Float32Array(E * k);
  const pred = new Int32Array(E);
  const scratch = forwardScratch(spec, E);
  let remaining = agents * E;
  for (let t = 0; t < limit && remaining > 0; t++) {
    for (let a = 0; a < agents; a++) {
      let active = 0;
      for (let e = 0; e < E; e++) if (done[a * E + e] === 0) active++;
      if (active === 0) continue;
      if (cost !== undefined) cost.forwardPasses += active;
      forward(
        spec,
        req.params.subarray(a * n, (a + 1) * n),
        obs.subarray(a * E * d, (a + 1) * E * d),
        E,
        logits,
        scratch,
      );
      argmaxRows(logits, E, k, pred);
      actions.set(pred, a * E);
    }
    const r = env.step(actions);
    for (let i = 0; i < agents * E; i++) {
      if (done[i] !== 0) continue;
      totals[i] += r.rewards[i];
      if (r.terminations[i] !== 0 || r.truncations[i] !== 0) {
        done[i] = 1;
        remaining--;
      }
    }
  }
  for (let a = 0; a < agents; a++) {
    let sum = 0;
    for (let e = 0; e < E; e++) sum += totals[a * E + e];
    out[a] = sum / E;
  }
  return out;
}
