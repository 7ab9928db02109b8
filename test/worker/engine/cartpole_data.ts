/**
 * A small CartPole-v1 expert dataset generated on the spot: the built-in expert drives the env (with a
 * few random pushes so the states cover more than the expert's narrow equilibrium band) and every step's
 * observation is labelled with the expert's action.
 */
import { make } from '../../../src/shared/envs/registry.js';
import { expert } from '../../../src/shared/experts/index.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';

export interface Labelled {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** `n` expert-labelled CartPole states from episodes seeded seed, seed + 1, …; `explore` = chance of a random push. */
export function cartPoleExpertData(n: number, seed: number, explore = 0.2): Labelled {
  const env = make('CartPole-v1');
  const teacher = expert('CartPole-v1');
  const rng = CounterRng.from(seed, RngPurpose.rollout);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  let episode = 0;
  let obs = env.reset({ seed: seed + episode }).obs;
  for (let s = 0; s < n; s++) {
    x.set(obs, s * 4);
    y[s] = teacher(obs);
    const action = rng.nextFloat() < explore ? rng.nextInt(2) : y[s];
    const r = env.step(action);
    obs = r.obs;
    if (r.terminated || r.truncated) obs = env.reset({ seed: seed + ++episode }).obs;
  }
  return { x, y, n };
}

/** Rows [from, to) of a dataset. */
export function rows(d: Labelled, from: number, to: number): Labelled {
  return { x: d.x.slice(from * 4, to * 4), y: d.y.slice(from, to), n: to - from };
}

/** A reproducible shuffle of the rows (so train and test mix all episodes). */
export function shuffled(d: Labelled, seed: number): Labelled {
  const order = Array.from({ length: d.n }, (_, i) => i);
  const rng = CounterRng.from(seed, RngPurpose.split);
  for (let i = d.n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const x = new Float32Array(d.n * 4);
  const y = new Int32Array(d.n);
  order.forEach((src, dst) => {
    x.set(d.x.subarray(src * 4, src * 4 + 4), dst * 4);
    y[dst] = d.y[src];
  });
  return { x, y, n: d.n };
}
