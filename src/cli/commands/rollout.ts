import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { make, ENV_IDS } from '../../shared/envs/registry.js';
import type { Env } from '../../shared/envs/types.js';
import { RecordVideo, type RecordedVideo } from '../../shared/envs/wrappers/record_video.js';
import { TimeLimit } from '../../shared/envs/wrappers/time_limit.js';
import type { CoreEnv } from '../../shared/envs/wrappers/wrapper.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import { expert } from '../../shared/experts/index.js';
import { describeSpec } from '../../shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { gifFileSink, gifFolderSink, withRgbArray } from '../../media/index.js';
import { parseIntOption } from '../options.js';
import { loadTrainedPolicy, PolicyFileError } from './trained_policy.js';

export type RolloutPolicy = 'expert' | 'random' | 'params';

export interface RolloutSummary {
  envId: string;
  policy: RolloutPolicy;
  seeds: number[];
  returns: number[];
  lengths: number[];
  meanReturn: number;
  stdReturn: number;
  /** GIF files written by --record. */
  videos?: string[];
}

type PlayableEnv = CoreEnv<Float32Array, number> & { readonly actionSpace: { readonly n: number } };

/** Plays episodes with `act` (uniform random actions when null), seeds seed..seed+episodes-1. */
export function playEpisodes(
  env: PlayableEnv,
  act: ((obs: Float32Array) => number) | null,
  episodes: number,
  seed: number,
): Pick<RolloutSummary, 'seeds' | 'returns' | 'lengths' | 'meanReturn' | 'stdReturn'> {
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
  return { seeds, returns, lengths, meanReturn, stdReturn: Math.sqrt(variance) };
}

/** Plays `episodes` episodes of `envId` with the built-in expert (or uniform random actions), seeds seed..seed+episodes-1. */
export function rolloutEpisodes(
  envId: string,
  policy: 'expert' | 'random',
  episodes: number,
  seed: number,
): RolloutSummary {
  const act = policy === 'expert' ? expert(envId) : null;
  return { envId, policy, ...playEpisodes(make(envId), act, episodes, seed) };
}

export interface RecordedRolloutOptions {
  envId: string;
  policy: RolloutPolicy;
  /** Required for policy 'params': the greedy policy of a trained network. */
  act?: (obs: Float32Array) => number;
  episodes: number;
  seed: number;
  /** A TimeLimit shorter than the env's own (Gymnasium's `max_episode_steps`). */
  maxEpisodeSteps?: number;
  /** Write the episodes as animated GIFs: this path for one episode, `<name>-episode-<k>.gif` beside it for several. */
  record?: string;
}

/** The rollout behind `evoscale rollout`: optional TimeLimit, optional RecordVideo to GIF. */
export async function rollout(options: RecordedRolloutOptions): Promise<RolloutSummary> {
  const { envId, policy, episodes, seed, record } = options;
  const act = policy === 'expert' ? expert(envId) : policy === 'params' ? (options.act ?? null) : null;
  if (policy === 'params' && !act) throw new InvalidArgumentError("policy 'params' needs the trained network's act()");
  const base: Env = make(envId);
  const env = options.maxEpisodeSteps !== undefined ? new TimeLimit(base, options.maxEpisodeSteps) : base;
  if (!record) return { envId, policy, ...playEpisodes(env, act, episodes, seed) };
  const stem = basename(record, extname(record));
  const sink = episodes === 1 ? gifFileSink(() => record) : gifFolderSink(dirname(record));
  const recorder = new RecordVideo(await withRgbArray(env), { sink, episodeTrigger: () => true, namePrefix: stem });
  const played = playEpisodes(recorder, act, episodes, seed);
  recorder.close();
  const videos = recorder.videos.map((v: RecordedVideo) => v.location ?? join(dirname(record), `${v.name}.gif`));
  return { envId, policy, ...played, videos };
}

interface RolloutFlags {
  env?: string;
  episodes?: string;
  seed: string;
  policy?: string;
  params?: string;
  modelConfig?: string;
  maxEpisodeSteps?: string;
  record?: string;
  json?: boolean;
}

/** `evoscale rollout`: the quickest check that an environment and its expert (or a trained network) work. */
export function registerRolloutCommand(program: Command): void {
  program
    .command('rollout')
    .description(
      'Roll out the built-in expert, random actions or a trained network in an environment, print episode returns, ' +
        'and optionally record them as an animated GIF',
    )
    .option(
      '-e, --env <id>',
      `environment id (${ENV_IDS.join(', ')}); default CartPole-v1, or the trial's env with --params`,
    )
    .option('-n, --episodes <n>', 'number of episodes (default 10, or 1 with --record)')
    .option('-s, --seed <seed>', 'seed of the first episode; episode k uses seed+k', '0')
    .option('-p, --policy <policy>', 'expert | random | params (default: params with --params, else expert)')
    .option('--params <file>', "a trained network's final_params.f32 (architecture from the config.json beside it)")
    .option('--model-config <file>', 'read the architecture from this config.json/model.json instead')
    .option('--max-episode-steps <n>', "truncate episodes after n steps (a TimeLimit below the env's own)")
    .option('--record <file.gif>', 'write the episodes as animated GIFs (several episodes: <file>-episode-<k>.gif)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: RolloutFlags) => {
      const episodes = parseIntOption('--episodes', opts.episodes ?? (opts.record ? '1' : '10'), 1);
      const seed = parseIntOption('--seed', opts.seed, 0);
      const maxEpisodeSteps =
        opts.maxEpisodeSteps === undefined ? undefined : parseIntOption('--max-episode-steps', opts.maxEpisodeSteps, 1);
      const policy = (opts.policy ?? (opts.params ? 'params' : 'expert')) as RolloutPolicy;
      if (policy !== 'expert' && policy !== 'random' && policy !== 'params') {
        throw new InvalidArgumentError(`--policy must be 'expert', 'random' or 'params', got '${String(opts.policy)}'`);
      }
      if (policy === 'params' && !opts.params) {
        throw new InvalidArgumentError('--policy params needs --params <final_params.f32>');
      }
      if (opts.params && policy !== 'params') {
        throw new InvalidArgumentError(
          `--params plays the trained network; drop it or use --policy params (got --policy ${policy})`,
        );
      }
      if (opts.record !== undefined && extname(opts.record).toLowerCase() !== '.gif') {
        throw new InvalidArgumentError(
          `--record writes animated GIFs: give a path ending in .gif, got '${opts.record}' (MP4 is not supported)`,
        );
      }
      let envId = opts.env ?? 'CartPole-v1';
      let act: ((obs: Float32Array) => number) | undefined;
      if (opts.params) {
        const trained = loadTrainedPolicy(opts.params, opts.modelConfig);
        if (opts.env && trained.envId && opts.env !== trained.envId) {
          throw new PolicyFileError(
            `--env ${opts.env}, but ${trained.architectureFile} says the network was trained on ${trained.envId}; drop --env or pass the matching one`,
          );
        }
        envId = opts.env ?? trained.envId ?? envId;
        const env = make(envId);
        const obsDim = env.observationSpace.shape.reduce((a, b) => a * b, 1);
        if (trained.spec.inputs !== obsDim || trained.spec.outputs !== env.actionSpace.n) {
          throw new PolicyFileError(
            `--params ${opts.params}: the ${describeSpec(trained.spec)} network does not fit ${envId} ` +
              `(${obsDim} observations, ${env.actionSpace.n} actions); pass the env it was trained on with --env`,
          );
        }
        act = trained.act;
      } else {
        make(envId); // fails early, with the list of ids, before any recording starts
      }
      const summary = await rollout({ envId, policy, act, episodes, seed, maxEpisodeSteps, record: opts.record });
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
      for (const v of summary.videos ?? []) process.stdout.write(`wrote ${v}\n`);
    });
}
