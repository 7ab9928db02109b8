import type { Command } from 'commander';
import { make, ENV_IDS } from '../../shared/envs/registry.js';
import { expert } from '../../shared/experts/index.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { parseIntOption } from '../options.js';

export interface RolloutSummary {
  envId: string;
  policy: 'expert' | 'random';
  seeds: number[];
  returns: number[];
  lengths: number[];
  meanReturn: number;
  stdReturn: number;
}

/** Plays `episodes` episodes of `envId` with the built-in expert (or uniform random actions), seeds seed..seed+episodes-1. */
export function rolloutEpisodes(
  envId: string,
  policy: 'expert' | 'random',
  episodes: number,
  seed: number,
): RolloutSummary {
  const env = make(envId);
  const act = policy === 'expert' ? expert(envId) : null;
  const rng = CounterRng.from(seed, RngPurpose.rollout);
  const seeds: number[] = [];
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seed + e });
    let total = 0;
    let steps = 0;
    for (;;) {
      const action = act ? act(obs) : rng.nextInt(env.actionSpace.n);
      const r = env.step(action);
      total += r.reward;
      steps++;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    seeds.push(seed + e);
    returns.push(total);
    lengths.push(steps);
  }
  const meanReturn = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, b) => a + (b - meanReturn) ** 2, 0) / Math.max(1, returns.length - 1);
  return { envId, policy, seeds, returns, lengths, meanReturn, stdReturn: Math.sqrt(variance) };
}

/** `evoscale rollout`: the quickest check that an environment and its expert work. */
export function registerRolloutCommand(program: Command): void {
  program
    .command('rollout')
    .description('Roll out the built-in expert (or random actions) in an environment and print episode returns')
    .option('-e, --env <id>', `environment id (${ENV_IDS.join(', ')})`, 'CartPole-v1')
    .option('-n, --episodes <n>', 'number of episodes', '10')
    .option('-s, --seed <seed>', 'seed of the first episode; episode k uses seed+k', '0')
    .option('-p, --policy <policy>', 'expert | random', 'expert')
    .option('--json', 'print the summary as JSON')
    .action((opts: { env: string; episodes: string; seed: string; policy: string; json?: boolean }) => {
      const episodes = parseIntOption('--episodes', opts.episodes, 1);
      const seed = parseIntOption('--seed', opts.seed, 0);
      if (opts.policy !== 'expert' && opts.policy !== 'random') {
        throw new Error(`--policy must be 'expert' or 'random', got '${opts.policy}'`);
      }
      const summary = rolloutEpisodes(opts.env, opts.policy, episodes, seed);
      if (opts.json) {
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      for (let i = 0; i < episodes; i++) {
        process.stdout.write(
          `episode ${String(i + 1).padStart(4)}  seed ${String(summary.seeds[i]).padStart(6)}  ` +
            `return ${summary.returns[i].toFixed(2).padStart(9)}  steps ${summary.lengths[i]}\n`,
        );
      }
      process.stdout.write(
        `${summary.envId} ${summary.policy}: mean return ${summary.meanReturn.toFixed(2)} ± ${summary.stdReturn.toFixed(2)} (sd) over ${episodes} episodes\n`,
      );
    });
}
