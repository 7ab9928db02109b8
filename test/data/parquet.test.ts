import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { readParquetDataset, writeParquetDataset } from '../../src/data/parquet.js';
import { DatasetError } from '../../src/shared/data/errors.js';
import { createDataset } from '../../src/shared/data/dataset.js';
import { arraysOf, sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);
let fileNo = 0;

// The layout pyarrow (and so HuggingFace's parquet converter) gives a JSON table of obs/actions/rewards/episode_starts.
const HF_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 4 },
  { name: 'obs', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', type: 'DOUBLE' },
  { name: 'actions', repetition_type: 'OPTIONAL', type: 'INT64' },
  { name: 'rewards', repetition_type: 'OPTIONAL', type: 'DOUBLE' },
  { name: 'episode_starts', repetition_type: 'OPTIONAL', type: 'BOOLEAN' },
];

interface Rows {
  obs: (number | null)[][];
  actions: (bigint | null)[];
  rewards: (number | null)[];
  starts: (boolean | null)[];
}

function hfRows(n: number, dim = 4): Rows {
  const rows: Rows = { obs: [], actions: [], rewards: [], starts: [] };
  for (let i = 0; i < n; i++) {
    rows.obs.push(Array.from({ length: dim }, (_, j) => 0.001 * i - 0.01 * j));
    rows.actions.push(BigInt(i % 2));
    rows.rewards.push(1.0);
    rows.starts.push(i % 50 === 0);
  }
  return rows;
}

function writeHf(rows: Rows, schema: SchemaElement[] = HF_SCHEMA): string {
  const p = join(tmp.dir, `hf-${++fileNo}.parquet`);
  const names = schema.filter((e, i) => i > 0 && e.name !== 'list' && e.name !== 'element').map((e) => e.name);
  const data: Record<string, unknown[]> = {
    obs: rows.obs,
    actions: rows.actions,
    rewards: rows.rewards,
    episode_starts: rows.starts,
  };
  const columnData = names.map((name) => ({ name, data: data[name] }) as ColumnSource);
  parquetWriteFile({ filename: p, schema, columnData });
  return p;
}

async function rejectsWith(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `'${err.message}' should mention '${f}'`);
    return true;
  });
}

test('a written Parquet dataset reads back bit-for-bit, with its env and meta', async () => {
  const ds = sampleDataset(1001, 'LunarLander-v3');
  const withMeta = { ...ds, meta: { source: 'generated:x', synthetic: true, seed: 7 } };
  const p = join(tmp.dir, 'round.parquet');
  await writeParquetDataset(withMeta, p);
  const back = await readParquetDataset(p);
  assert.deepStrictEqual(arraysOf(back), arraysOf(ds));
  assert.equal(back.meta.synthetic, true);
  assert.equal(back.meta.seed, 7);
  assert.equal(back.meta.source, p);
});

test('datasets spanning several row groups keep their order', async () => {
  const ds = sampleDataset(230_000);
  const p = join(tmp.dir, 'groups.parquet');
  await writeParquetDataset(ds, p);
  const back = await readParquetDataset(p);
  assert.deepStrictEqual(arraysOf(back), arraysOf(ds));
});

test("reads HuggingFace's converted layout (list<double> obs, int64 actions, double rewards)", async () => {
  const ds = await readParquetDataset(writeHf(hfRows(120)));
  assert.equal(ds.envId, 'CartPole-v1');
  assert.equal(ds.size, 120);
  assert.equal(ds.observations[4 * 7 + 2], Math.fround(0.007 - 0.02));
  assert.equal(ds.actions[7], 1);
  assert.equal(ds.episodeIds[119], 2);
});

test('a truncated Parquet file is refused with advice to fetch it again', async () => {
  const p = join(tmp.dir, 'cut.parquet');
  await writeParquetDataset(sampleDataset(100), p);
  const bytes = readFileSync(p);
  writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await rejectsWith(readParquetDataset(p), 'cut.parquet', 'truncated');
});

test('a missing column is named, with the columns found', async () => {
  const schema = HF_SCHEMA.filter((e) => e.name !== 'rewards').map((e) =>
    e.name === 'schema' ? { ...e, num_children: 3 } : e,
  );
  await rejectsWith(
    readParquetDataset(writeHf(hfRows(5), schema)),
    "missing column 'rewards'",
    'found obs, actions, episode_starts',
  );
});

test('NaN in an obs is refused with its 1-based row', async () => {
  const rows = hfRows(300);
  rows.obs[211][2] = NaN;
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 212', 'obs[2]', 'finite');
});

test('a null inside an obs list is refused with its row', async () => {
  const rows = hfRows(10);
  rows.obs[4][0] = null;
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 5', 'obs[0] is null');
});

test('a ragged obs list is refused with its row', async () => {
  const rows = hfRows(10);
  rows.obs[8] = [0.1, 0.2, 0.3];
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 9', "'obs' has 3 values, expected 4");
});

test("an action outside the env's range is refused with its row", async () => {
  const rows = hfRows(10);
  rows.actions[3] = 5n;
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 4', "action 5 is outside CartPole-v1's range");
});

test('a null action is reported as missing', async () => {
  const rows = hfRows(10);
  rows.actions[6] = null;
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 7', "missing field 'actions'");
});

test('an infinite reward is refused with its row', async () => {
  const rows = hfRows(10);
  rows.rewards[0] = Infinity;
  await rejectsWith(readParquetDataset(writeHf(rows)), 'row 1', 'reward Infinity is not a finite number');
});

test('a Parquet file with no rows is refused as empty', async () => {
  const p = join(tmp.dir, 'empty.parquet');
  parquetWriteFile({
    filename: p,
    schema: HF_SCHEMA,
    columnData: [
      { name: 'obs', data: [] },
      { name: 'actions', data: [] },
      { name: 'rewards', data: [] },
      { name: 'episode_starts', data: [] },
    ],
  });
  await rejectsWith(readParquetDataset(p), 'empty');
});

test('an explicit env overrides the one stored in the file and must fit the obs size', async () => {
  const p = join(tmp.dir, 'explicit.parquet');
  await writeParquetDataset(sampleDataset(20), p);
  await rejectsWith(readParquetDataset(p, { envId: 'Acrobot-v1' }), 'row 1', 'expected 6 for Acrobot-v1');
});

test('an in-memory dataset keeps a single-row episode split intact through Parquet', async () => {
  const ds = createDataset({
    envId: 'MountainCar-v0',
    observations: new Float32Array([-0.5, 0, -0.49, 0.001]),
    actions: new Int32Array([2, 0]),
    rewards: new Float32Array([-1, -1]),
    episodeStarts: new Uint8Array([1, 1]),
    meta: { source: 'two episodes' },
  });
  const p = join(tmp.dir, 'mc.parquet');
  await writeParquetDataset(ds, p);
  const back = await readParquetDataset(p);
  assert.equal(back.envId, 'MountainCar-v0');
  assert.deepEqual(Array.from(back.episodeIds), [0, 1]);
});
