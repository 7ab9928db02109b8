/**
 * Where a trial's fixed cost goes (everything before its first generation): loading a built-in dataset by
 * decoding its cached Parquet file (what every trial thread did before the binary copy) and from the binary
 * copy (what it does now), cutting the trial's split, and the first test-set evaluation; then the same load
 * in a fresh worker thread, as a trial thread of `evoscale run` sees it. Prints a table and writes
 * bench/results/trial_fixed_cost.json.
 *
 *   npm run build && node dist/bench/trial_fixed_cost.bench.js
 * Env: BENCH_DATASET (cartpole | lunarlander, default cartpole; generated on first use, which takes minutes),
 * BENCH_REPEATS (default 3; the best of them is reported).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readBinaryCache } from '../src/data/binary_cache.js';
import { BUILTIN_DATASETS, builtinDatasetPath } from '../src/data/builtin.js';
import { loadDataset } from '../src/data/load.js';
import { readParquetDataset } from '../src/data/parquet.js';
import { DEFAULT_EXPERT_STEPS } from '../src/shared/data/generate.js';
import { splitRows } from '../src/shared/data/splits.js';
import { expMlp, initParams } from '../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../src/shared/rng/philox.js';
import { evaluateOnData } from '../src/trials/evaluate.js';

const NAME = process.env.BENCH_DATASET ?? 'cartpole';
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const entry = BUILTIN_DATASETS[NAME];
if (entry === undefined) throw new Error(`BENCH_DATASET must be one of ${Object.keys(BUILTIN_DATASETS).join(', ')}`);
const steps = DEFAULT_EXPERT_STEPS[entry.envId];

const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) return process.cwd();
    dir = dirname(dir);
  }
  return dir;
})();

/** Best wall time (s) of `REPEATS` calls. */
async function best(work: () => unknown): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await work();
    b = Math.min(b, (performance.now() - t) / 1000);
  }
  return b;
}

const loadBefore = loadavg()[0];
// Makes sure the Parquet file and its binary copy exist (generates the dataset on first use).
const ds = await loadDataset(NAME);
const parquet = builtinDatasetPath(NAME, 0, steps);
const model = expMlp(ds.obsDim, ds.nActions);
const split = { kind: 'exp2', seed: 0, testFraction: 0.1, fraction: 0.9 } as const;
const params = initParams(model, CounterRng.from(0, RngPurpose.init));
const data = splitRows(ds, split);

const phases = {
  parquetDecode: await best(() => readParquetDataset(parquet, { envId: entry.envId })),
  binaryCopy: await best(() => readBinaryCache(parquet, { envId: entry.envId })),
  split: await best(() => splitRows(ds, split)),
  firstEvaluation: await best(() => evaluateOnData(model, params, data.test, 0, 0)),
};
// A fresh thread has none of this thread's modules or data: its whole first load, as a trial thread's.
const loader = new URL(`../src/data/load.js`, import.meta.url).href;
const threadLoad = await best(
  () =>
    new Promise<number>((resolve, reject) => {
      const w = new Worker(
        `const { parentPort } = require('node:worker_threads'); const t = performance.now();
         import(${JSON.stringify(loader)}).then((m) => m.loadDataset(${JSON.stringify(NAME)}))
           .then(() => parentPort.postMessage((performance.now() - t) / 1000));`,
        { eval: true },
      );
      w.once('message', (s: number) => {
        void w.terminate();
        resolve(s);
      });
      w.once('error', reject);
    }),
);
const before = phases.parquetDecode + phases.split + phases.firstEvaluation;
const after = phases.binaryCopy + phases.split + phases.firstEvaluation;
const table = [
  ['phase', 'seconds'],
  [`decode ${NAME} Parquet (${ds.size} rows; before: every trial thread)`, phases.parquetDecode.toFixed(3)],
  ['read the binary copy (now)', phases.binaryCopy.toFixed(3)],
  ['cut the exp2 split (90% train / 10% test)', phases.split.toFixed(3)],
  ['first test-set evaluation', phases.firstEvaluation.toFixed(3)],
  ['fixed cost before (decode + split + evaluation)', before.toFixed(3)],
  ['fixed cost now (binary copy + split + evaluation)', after.toFixed(3)],
  ['a fresh thread: import + load (now)', threadLoad.toFixed(3)],
];
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  logicalCores: cpus().length,
  loadAverage1m: { before: loadBefore, after: loadavg()[0] },
  dataset: NAME,
  rows: ds.size,
  repeats: REPEATS,
  secondsBest: { ...phases, freshThreadLoad: threadLoad, fixedBefore: before, fixedNow: after },
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'trial_fixed_cost.json'), JSON.stringify(out, null, 2) + '\n');
console.log('wrote bench/results/trial_fixed_cost.json');
