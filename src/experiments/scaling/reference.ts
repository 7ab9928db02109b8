/**
 * The two returns the normalised return gap (expert − return) / (expert − random) is measured between: the env's
 * built-in expert and a uniformly random policy, on the same reset seeds the trials' policies play.
 */
import { make } from '../../shared/envs/registry.js';
import type { Env } from '../../shared/envs/types.js';
import { EXPERT_IDS, expert } from '../../shared/experts/index.js';
import { episodeSeedBase } from '../../trials/trial.js';

export interface ReferenceReturns {
  readonly expert: number;
  readonly random: number;
}

function meanReturn(
  envId: string,
  episodes: number,
  seedBase: number,
  act: (obs: Float32Array, env: Env) => number,
): number {
  const env = make(envId);
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seedBase + e });
    env.actionSpace.seed(seedBase + e);
    for (;;) {
      const r = env.step(act(obs, env));
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
  }
  return total / episodes;
}

/**
 * Expert and random mean returns over the `episodes` episodes a trial of seed `seed` plays (undefined when the env
 * has no built-in expert). The random policy draws from the action space seeded per episode, so it is reproducible.
 */
export function referenceReturns(envId: string, episodes: number, seed: number): ReferenceReturns | undefined {
  if (episodes < 1 || !EXPERT_IDS.includes(envId)) return undefined;
  const base = episodeSeedBase(seed);
  const policy = expert(envId);
  return {
    expert: meanReturn(envId, episodes, base, (obs) => policy(obs)),
    random: meanReturn(envId, episodes, base, (_obs, env) => env.actionSpace.sample()),
  };
}

/** (expert − r) / (expert − random): 0 at the expert, 1 at chance; undefined when the two references coincide. */
export function returnGap(r: number, ref: ReferenceReturns): number | undefined {
  const span = ref.expert - ref.random;
  return Math.abs(span) < 1e-9 ? undefined : (ref.expert - r) / span;
}
