import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonlDataset, writeJsonlDataset } from '../../src/data/jsonl.js';
import { DatasetError } from '../../src/shared/data/errors.js';
import { arraysOf, sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);
let fileNo = 0;
function file(text: string): string {
  const p = join(tmp.dir, `case-${++fileNo}.jsonl`);
  writeFileSync(p, text);
  return p;
}

const row = (obs: unknown, actions: unknown = 0, rewards: unknown = 1.0, starts: unknown = false): string =>
  JSON.stringify({ obs, actions, rewards, episode_starts: starts });
const good = (i: number): string => row([0.01 * i, -0.02, 0.03, -0.04], i % 2, 1.0, i === 0);

/** Asserts the promise rejects with a DatasetError whose message includes every fragment. */
async function rejectsWith(p: Promise<unknown>, ...fragments: string[]): Promise<DatasetError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DatasetError, `expected a DatasetError, got ${String(caught)}`);
  for (const f of fragments) assert.ok(caught.message.includes(f), `'${caught.message}' should mention '${f}'`);
  return caught;
}

test('a written JSONL dataset reads back bit-for-bit', async () => {
  const ds = sampleDataset(257, 'LunarLander-v3');
  const p = join(tmp.dir, 'round.jsonl');
  await writeJsonlDataset(ds, p);
  const back = await readJsonlDataset(p);
  assert.deepStrictEqual(arraysOf(back), arraysOf(ds));
  assert.equal(back.meta.source, p);
});

test('written rows use the HuggingFace field names and json.dumps spacing', async () => {
  const ds = sampleDataset(3);
  const p = join(tmp.dir, 'layout.jsonl');
  await writeJsonlDataset(ds, p);
  const lines = readFileSync(p, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^\{"obs": \[[^\]]+\], "actions": 0, "rewards": 1, "episode_starts": true\}$/);
  const parsed = JSON.parse(lines[1]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['obs', 'actions', 'rewards', 'episode_starts']);
});

test('reads the IL-datasets layout as Python writes it (float64 text, 1.0 rewards, CRLF, no final newline)', async () => {
  const text =
    '{"obs": [0.030960860455036163, -0.03340078890323639, 0.04476870223879814, 0.0188669003546238], "actions": 0, "rewards": 1.0, "episode_starts": true}\r\n' +
    '{"obs": [0.030292844772338867, -0.2291317582130432, 0.045146040618419647, 0.3252948224544525], "actions": [1], "rewards": 1.0, "episode_starts": 0.0}';
  const ds = await readJsonlDataset(file(text));
  assert.equal(ds.envId, 'CartPole-v1');
  assert.equal(ds.size, 2);
  assert.equal(ds.observations[0], Math.fround(Number('0.030960860455036163')));
  assert.deepEqual(Array.from(ds.actions), [0, 1]);
  assert.deepEqual(Array.from(ds.episodeStarts), [1, 0]);
  assert.deepEqual(Array.from(ds.episodeIds), [0, 0]);
});

test('episode ids count episode starts', async () => {
  const lines = [0, 1, 2, 3, 4].map((i) => row([0, 0, 0, 0], 0, 1, i === 0 || i === 3));
  const ds = await readJsonlDataset(file(lines.join('\n') + '\n'));
  assert.deepEqual(Array.from(ds.episodeIds), [0, 0, 0, 1, 1]);
});

test('the env is inferred from the obs size: 8 values are LunarLander-v3', async () => {
  const ds = await readJsonlDataset(file(row([0, 0, 0, 0, 0, 0, 0, 0], 3) + '\n'));
  assert.equal(ds.envId, 'LunarLander-v3');
  assert.equal(ds.nActions, 4);
});

test('an obs size no env has is refused with a hint to pass the env', async () => {
  await rejectsWith(readJsonlDataset(file(row([0, 0, 0, 0, 0]) + '\n')), 'line 1', '5 values', '--env');
});

test('a truncated file (last line cut mid-record) is refused, naming the line', async () => {
  const text = [0, 1, 2].map(good).join('\n') + '\n' + good(3).slice(0, 25);
  await rejectsWith(readJsonlDataset(file(text)), 'line 4', 'truncated');
});

test('a ragged obs is refused with the line number and the expected size', async () => {
  const text = [good(0), good(1), row([0.1, 0.2, 0.3]), good(3)].join('\n');
  await rejectsWith(readJsonlDataset(file(text)), 'line 3', "'obs' has 3 values, expected 4");
});

test('obs of the wrong size for an explicit env are refused at line 1', async () => {
  await rejectsWith(
    readJsonlDataset(file(good(0)), { envId: 'LunarLander-v2' }),
    'line 1',
    'expected 8 for LunarLander-v3',
  );
});

test('NaN written by Python is refused with the line number', async () => {
  const text = [good(0), '{"obs": [0.1, NaN, 0.3, 0.4], "actions": 0, "rewards": 1.0, "episode_starts": false}'].join(
    '\n',
  );
  await rejectsWith(readJsonlDataset(file(text + '\n')), 'line 2', 'NaN or Infinity');
});

test('an obs that overflows to Infinity is refused', async () => {
  const text = [
    good(0),
    good(1),
    '{"obs": [0.1, 1e999, 0.3, 0.4], "actions": 0, "rewards": 1, "episode_starts": false}',
  ];
  await rejectsWith(readJsonlDataset(file(text.join('\n'))), 'line 3', 'obs[1]', 'finite');
});

test('an obs beyond float32 range is refused rather than stored as Infinity', async () => {
  await rejectsWith(readJsonlDataset(file(row([0.1, 1e39, 0.3, 0.4]))), 'line 1', 'float32');
});

test('an infinite reward is refused', async () => {
  const text = '{"obs": [0, 0, 0, 0], "actions": 0, "rewards": 1e999, "episode_starts": true}';
  await rejectsWith(readJsonlDataset(file(text)), 'line 1', 'reward Infinity is not a finite number');
});

test("an action outside the env's range is refused", async () => {
  const text = [good(0), good(1), row([0, 0, 0, 0], 2)].join('\n');
  await rejectsWith(readJsonlDataset(file(text)), 'line 3', "action 2 is outside CartPole-v1's range 0..1");
});

test('a negative or fractional action is refused', async () => {
  await rejectsWith(readJsonlDataset(file(row([0, 0, 0, 0], -1))), 'line 1', 'range 0..1');
  await rejectsWith(readJsonlDataset(file(row([0, 0, 0, 0], 0.5))), 'line 1', 'not an integer');
});

test('each missing field is named', async () => {
  const fields = ['obs', 'actions', 'rewards', 'episode_starts'];
  for (const missing of fields) {
    const obj: Record<string, unknown> = { obs: [0, 0, 0, 0], actions: 0, rewards: 1, episode_starts: true };
    delete obj[missing];
    await rejectsWith(readJsonlDataset(file(good(0) + '\n' + JSON.stringify(obj) + '\n')), 'line 2', `'${missing}'`);
  }
});

test('a line that is JSON but not an object is refused', async () => {
  await rejectsWith(readJsonlDataset(file(good(0) + '\n[1, 2, 3]\n')), 'line 2', 'expected an object');
});

test('an empty file and a blank-only file are refused as empty datasets', async () => {
  await rejectsWith(readJsonlDataset(file('')), 'empty');
  await rejectsWith(readJsonlDataset(file('\n\n  \n')), 'empty');
});

test('blank lines are skipped but still counted in line numbers', async () => {
  const text = good(0) + '\n\n' + good(1) + '\n\n' + row([0, 0, 0, 0], 7) + '\n';
  await rejectsWith(readJsonlDataset(file(text)), 'line 5');
});

test('one bad row at the end of a large file rejects the whole file (nothing half-loaded)', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(good(i));
  lines.push(row([0, 0, 0, 0], 9));
  await rejectsWith(readJsonlDataset(file(lines.join('\n'))), 'line 20001');
});

test('a missing file is a DATASET_NOT_FOUND error naming the path', async () => {
  const err = await rejectsWith(readJsonlDataset(join(tmp.dir, 'nope.jsonl')), 'nope.jsonl');
  assert.equal(err.code, 'DATASET_NOT_FOUND');
});

test('the file appears only once completely written', async () => {
  const p = join(tmp.dir, 'atomic.jsonl');
  await writeJsonlDataset(sampleDataset(10), p);
  const { readdirSync } = await import('node:fs');
  assert.deepEqual(
    readdirSync(tmp.dir).filter((n) => n.startsWith('atomic')),
    ['atomic.jsonl'],
  );
});
