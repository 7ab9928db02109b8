/** Mean episode return of a built-in expert over seeds 0…n−1 (each episode until terminated or truncated). */
import { make } from '../../../src/shared/envs/registry.js';
import { expert } from '../../../src/shared/experts/index.js';

export function meanReturn(id: string, seeds: number): number {
  const env = make(id);
  const policy = expert(id);
  let total = 0;
  for (let seed = 0; seed < seeds; seed++) {
    let { obs } = env.reset({ seed });
    for (;;) {
      const r = env.step(policy(obs));
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
  }
  return total / seeds;
}
