// Tests of `evoscale dataset …` (src/cli/commands/dataset.ts), kept beside the data tests they build on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Command } from 'commander';
import { formatDatasetSummary, progressPrinter, registerDatasetCommands } from '../../src/cli/commands/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { summarizeDataset } from '../../src/shared/data/summary.js';
import { sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);

function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerDatasetCommands(program, {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
  });
  return program.parseAsync(['node', 'evoscale', ...args]).then(() => ({ out, err }));
}

test('dataset generate writes the requested rows in the requested format', async () => {
  const out = join(tmp.dir, 'cp.parquet');
  const res = await run(['dataset', 'generate', '--env', 'CartPole-v1', '--steps', '700', '--seed', '2', '--out', out]);
  assert.match(res.out, /wrote .*cp\.parquet: 700 rows/);
  const ds = await loadDataset(out);
  assert.equal(ds.size, 700);
  assert.equal(ds.meta.seed, 2);
});

test('dataset generate refuses an output name without a known format', async () => {
  await assert.rejects(
    run(['dataset', 'generate', '--env', 'CartPole-v1', '--steps', '10', '--out', join(tmp.dir, 'x.csv')]),
    /--out must end in \.jsonl or \.parquet/,
  );
});

test('dataset inspect prints rows, episodes, obs dim, actions and returns', async () => {
  const out = join(tmp.dir, 'in.jsonl');
  await run(['dataset', 'generate', '--env', 'CartPole-v1', '--steps', '1000', '--out', out]);
  const res = await run(['dataset', 'inspect', out]);
  assert.match(res.out, /rows: +1,000/);
  assert.match(res.out, /env: +CartPole-v1 \(obs dim 4, 2 actions\)/);
  assert.match(res.out, /episodes: +2 /);
  assert.match(res.out, /actions: +0: [\d,]+ \([\d.]+%\) +1: /);
  assert.match(res.out, /returns: +mean 500\.00/);
  const json = JSON.parse((await run(['dataset', 'inspect', out, '--json'])).out) as { rows: number };
  assert.equal(json.rows, 1000);
});

test('the summary text shows the action histogram with shares', () => {
  const text = formatDatasetSummary(summarizeDataset(sampleDataset(10)));
  assert.match(text, /actions: +0: 5 \(50\.0%\) +1: 5 \(50\.0%\)/);
  assert.match(text, /synthetic: no/);
});

test('progress prints at most once a second, and always the final line', () => {
  let t = 0;
  let err = '';
  const p = progressPrinter(
    { out: { write: () => 0 }, err: { write: (s: string) => (err += s) }, now: () => t },
    'generate',
    'rows',
  );
  for (let done = 1000; done <= 10_000; done += 1000) {
    t += 300;
    p(done, 10_000);
  }
  // Calls every 300 ms: printed at 1.2 s and 2.4 s, then the final one at 3.0 s.
  assert.deepEqual(err.trim().split('\n'), [
    'generate: 4,000 / 10,000 rows (40.0%)',
    'generate: 8,000 / 10,000 rows (80.0%)',
    'generate: 10,000 / 10,000 rows (100.0%)',
  ]);
});
