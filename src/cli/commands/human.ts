/**
 * `evoscale dataset synth-human` and `evoscale dataset from-human`: simulated participants' episodes, and human
 * episodes exported to the dataset form. The dataset command wires them in with
 * `registerHumanDatasetCommands(datasetCommand)`.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import {
  HUMAN_ENV_IDS,
  humanDataset,
  prepareParticipantEnv,
  synthesizeHumanEpisodes,
} from '../../shared/human/index.js';
import { datasetEnvSpec } from '../../shared/data/envs.js';
import { readHumanDir, writeHumanDir } from '../../data/human_store.js';
import { writeDatasetFile } from '../../data/load.js';
import { parseIntOption } from '../options.js';

interface HumanIO {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

/** Registers `synth-human` and `from-human` under the `dataset` command. */
export function registerHumanDatasetCommands(
  dataset: Command,
  io: HumanIO = { out: process.stdout, err: process.stderr },
): void {
  dataset
    .command('synth-human')
    .description('Simulate participants playing the four games over several days (SYNTHETIC stand-in for human data)')
    .option('-p, --participants <n>', 'simulated participants', '2')
    .option('-d, --days <n>', 'simulated days of play', '5')
    .option('--sessions-per-day <n>', 'sessions per day, hours apart', '3')
    .option('--envs <list>', `games (default ${HUMAN_ENV_IDS.join(',')})`)
    .option('-s, --seed <seed>', 'generator seed', '0')
    .option('-o, --out <dir>', 'folder for the <participant>.jsonl files (replaced if present)', 'data/human')
    .action(
      (opts: {
        participants: string;
        days: string;
        sessionsPerDay: string;
        envs?: string;
        seed: string;
        out: string;
      }) => {
        const envIds = opts.envs
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((e) => datasetEnvSpec(e).id);
        let last = 0;
        const episodes = synthesizeHumanEpisodes({
          participants: parseIntOption('--participants', opts.participants, 1, 100),
          days: parseIntOption('--days', opts.days, 1, 365),
          sessionsPerDay: parseIntOption('--sessions-per-day', opts.sessionsPerDay, 1, 8),
          seed: parseIntOption('--seed', opts.seed, 0),
          ...(envIds ? { envIds } : {}),
          onProgress: (done, total) => {
            if (done === total || done - last >= 100) {
              last = done;
              io.err.write(`synth-human: ${done} / ${total} episodes\n`);
            }
          },
        });
        const files = writeHumanDir(opts.out, episodes, { replace: true });
        io.out.write(
          `wrote ${episodes.length} SYNTHETIC episodes (simulated players, not people) to ${files.join(', ')}\n`,
        );
      },
    );

  dataset
    .command('from-human')
    .description('Export one participant × game of a human-play folder to a dataset file (.jsonl or .parquet)')
    .argument('<dir>', 'folder of <participant>.jsonl episode files (from evoscale collect or synth-human)')
    .requiredOption('--participant <id>', 'participant id')
    .requiredOption('-e, --env <id>', `game (${HUMAN_ENV_IDS.join(', ')})`)
    .option('--split <all|train|test>', "which runs: all, or experiment 3's optimisation / test runs", 'all')
    .requiredOption(
      '-o, --out <file>',
      'output file, .jsonl or .parquet (Parquet keeps the session/run of each episode)',
    )
    .action(async (dir: string, opts: { participant: string; env: string; split: string; out: string }) => {
      if (opts.split !== 'all' && opts.split !== 'train' && opts.split !== 'test') {
        throw new InvalidArgumentError(`--split must be all, train or test, got '${opts.split}'`);
      }
      const episodes = readHumanDir(dir);
      const data = prepareParticipantEnv(episodes, opts.participant, opts.env);
      const ds = humanDataset(data, opts.split, `human:${dir}#${opts.participant}/${data.envId}/${opts.split}`);
      await writeDatasetFile(ds, opts.out);
      const label = data.synthetic ? ' (SYNTHETIC players)' : '';
      io.out.write(
        `wrote ${opts.out}: ${ds.size} rows from ${ds.meta.episodes instanceof Array ? ds.meta.episodes.length : 0} episodes of ${opts.participant} in ${data.envId}${label}\n`,
      );
    });
}
