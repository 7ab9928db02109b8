// `evoscale dataset synth-human` and `dataset from-human` (src/cli/commands/human.ts) and the JSONL store they use.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerHumanDatasetCommands } from '../../src/cli/commands/human.js';
import { readEpisodeFile, readHumanDir } from '../../src/data/human_store.js';
import { loadDataset } from '../../src/data/load.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-human-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const human = join(dir, 'human');

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  const dataset = program.command('dataset');
  registerHumanDatasetCommands(dataset, { out: { write: (s: string) => (out += s) }, err: { write: () => true } });
  await program.parseAsync(['node', 'evoscale', 'dataset', ...args]);
  return out;
}

test('synth-human writes one JSONL file per participant, every episode labelled synthetic', async () => {
  const out = await run([
    'synth-human',
    '--participants',
    '2',
    '--days',
    '2',
    '--envs',
    'CartPole-v1,MountainCar-v0',
    '--out',
    human,
  ]);
  assert.match(out, /SYNTHETIC/);
  assert.deepEqual(readdirSync(human).sort(), ['synth01.jsonl', 'synth02.jsonl']);
  const eps = readHumanDir(human);
  assert.ok(eps.length > 20);
  for (const e of eps) {
    assert.equal(e.synthetic, true);
    assert.ok(!Number.isNaN(Date.parse(e.startedAt)));
    assert.equal(e.timestamps.length, e.actions.length);
  }
});

test('from-human exports a participant × env to a dataset file with the session/run of each episode', async () => {
  const file = join(dir, 'p1_cartpole.parquet');
  const out = await run(['from-human', human, '--participant', 'synth01', '--env', 'CartPole-v1', '--out', file]);
  assert.match(out, /SYNTHETIC/);
  const ds = await loadDataset(file);
  const eps = readHumanDir(human).filter((e) => e.participant === 'synth01' && e.envId === 'CartPole-v1');
  assert.equal(
    ds.size,
    eps.reduce((a, e) => a + e.actions.length, 0),
  );
  assert.equal(ds.meta.synthetic, true);
  const meta = ds.meta.episodes as { session: number; sessionValue: number }[];
  assert.equal(meta.length, eps.length);
  assert.equal(meta[0].sessionValue, -1);
  assert.equal(meta[meta.length - 1].sessionValue, 1);
});

test('from-human --split test exports only the held-out runs', async () => {
  const all = join(dir, 'all.jsonl');
  const held = join(dir, 'test.jsonl');
  await run(['from-human', human, '--participant', 'synth02', '--env', 'MountainCar-v0', '--out', all]);
  await run([
    'from-human',
    human,
    '--participant',
    'synth02',
    '--env',
    'MountainCar-v0',
    '--split',
    'test',
    '--out',
    held,
  ]);
  const a = await loadDataset(all);
  const t = await loadDataset(held);
  assert.ok(t.size > 0 && t.size < a.size / 4);
});

test('a torn last line (crash mid-append) is skipped and earlier episodes survive', () => {
  const f = join(human, 'synth01.jsonl');
  const before = readEpisodeFile(f).length;
  appendFileSync(f, readFileSync(f, 'utf8').split('\n')[0].slice(0, 100));
  assert.equal(readEpisodeFile(f).length, before);
});
