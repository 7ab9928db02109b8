/**
 * Where a trial's fixed cost goes (everything before its first generation): loading a built-in dataset by
 * decoding its cached Parquet file (what every trial thread did before the binary copy) and from the binary
 * copy (what it does now), cutting the trial's split, and the first test-set evaluation; then the same load
 * in a fresh worker thread, as a trial thread of `evoscale run` sees it. The split is timed twice: computing the
 * permutation (a thread's first trial of a seed) and from the thread's permutation cache (every later trial of that
 * seed). Last, a whole one-generation exp2 trial through the embedded executor, on a fresh thread (a run's first
 * trial: thread start, module loading, dataset, split, engine, first and last evaluations) and on a warm one.
 * Each phase reports wall seconds and CPU seconds (the process's user + system time: on a loaded machine
 * wall time mostly measures waiting for a core). Prints a table and writes bench/results/trial_fixed_cost.json.
 *
 *   npm run build && node dist/bench/trial_fixed_cost.bench.js
 * Env: BENCH_DATASET (cartpole | lunarlander, default cartpole; generated on first use, which takes minutes),
 * BENCH_REPEATS (default 3; the best of them is reported).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readBinaryCache } from '../src/data/binary_cache.js';
import { BUILTIN_DATASETS, builtinDatasetPath } from '../src/data/builtin.js';
import { loadDataset } from '../src/data/load.js';
import { readParquetDataset } from '../src/data/parquet.js';
import { DEFAULT_EXPERT_STEPS } from '../src/shared/data/generate.js';
import { splitRows } from '../src/shared/data/splits.js';
import { cachedPermutation } from '../src/data/permutations.js';
import { expMlp, initParams } from '../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../src/shared/rng/philox.js';
import { evaluateOnData } from '../src/trials/evaluate.js';
import { embeddedTrialExecutor } from '../src/trials/executor.js';
import { EXP2_DEFAULTS, planExp2 } from '../src/experiments/exp2.js';

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

const cpuOf: Record<string, number> = {};

/** Best wall time (s) of `REPEATS` calls; the best CPU time goes to `cpuOf[name]` when named. */
async function best(work: () => unknown, name?: string): Promise<number> {
  let b = Infinity;
  let c = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    const u0 = process.cpuUsage();
    await work();
    const u = process.cpuUsage(u0);
    b = Math.min(b, (performance.now() - t) / 1000);
    c = Math.min(c, (u.user + u.system) / 1e6);
  }
  if (name !== undefined) cpuOf[name] = c;
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

cachedPermutation(ds.size, split.seed);
const phases = {
  parquetDecode: await best(() => readParquetDataset(parquet, { envId: entry.envId }), 'parquetDecode'),
  binaryCopy: await best(() => readBinaryCache(parquet, { envId: entry.envId }), 'binaryCopy'),
  split: await best(() => splitRows(ds, split), 'split'),
  splitCached: await best(() => splitRows(ds, split, cachedPermutation), 'splitCached'),
  firstEvaluation: await best(() => evaluateOnData(model, params, data.test, 0, 0), 'firstEvaluation'),
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
// A whole exp2 trial of one generation (ga_adaptive_ce, 90%, one evaluation point: the first and last test-set
// evaluations) through the embedded executor, as `run exp2 --workers 1` runs it: on a fresh executor (a new thread:
// its start, module loading, dataset, split, engine), and again on the same executor (a warm thread).
const [oneGeneration] = planExp2({
  ...EXP2_DEFAULTS,
  datasets: [NAME],
  fractions: [0.9],
  methods: ['ga_adaptive_ce'],
  neGenerations: 1,
  evalPoints: 1,
});
const scratch = mkdtempSync(join(tmpdir(), 'evoscale-fixed-cost-'));
let runs = 0;
const trialOn = async (executor: ReturnType<typeof embeddedTrialExecutor>): Promise<void> => {
  await executor.run(oneGeneration, join(scratch, String(runs++)), () => {});
};
const executorFirst = await best(async () => {
  const executor = embeddedTrialExecutor(1);
  try {
    await trialOn(executor);
  } finally {
    await executor.close();
  }
});
const warmExecutor = embeddedTrialExecutor(1);
await trialOn(warmExecutor);
const executorLater = await best(() => trialOn(warmExecutor));
await warmExecutor.close();
rmSync(scratch, { recursive: true, force: true });

const before = phases.parquetDecode + phases.split + phases.firstEvaluation;
const after = phases.binaryCopy + phases.split + phases.firstEvaluation;
const laterTrial = phases.splitCached + phases.firstEvaluation;
const cpu = (...names: string[]): string => names.reduce((a, n) => a + cpuOf[n], 0).toFixed(3);
const table = [
  ['phase', 'wall s', 'cpu s'],
  [
    `decode ${NAME} Parquet (${ds.size} rows; before: every trial thread)`,
    phases.parquetDecode.toFixed(3),
    cpu('parquetDecode'),
  ],
  ['read the binary copy (once per thread)', phases.binaryCopy.toFixed(3), cpu('binaryCopy')],
  ['cut the exp2 split, computing the permutation', phases.split.toFixed(3), cpu('split')],
  ['cut the exp2 split from the cached permutation', phases.splitCached.toFixed(3), cpu('splitCached')],
  ['first test-set evaluation', phases.firstEvaluation.toFixed(3), cpu('firstEvaluation')],
  [
    'fixed cost before (decode + split + evaluation)',
    before.toFixed(3),
    cpu('parquetDecode', 'split', 'firstEvaluation'),
  ],
  [
    "a thread's first trial (binary copy + split + evaluation)",
    after.toFixed(3),
    cpu('binaryCopy', 'split', 'firstEvaluation'),
  ],
  [
    "a thread's later trial of the seed (cached split + evaluation)",
    laterTrial.toFixed(3),
    cpu('splitCached', 'firstEvaluation'),
  ],
  ['a fresh thread: import + load (now)', threadLoad.toFixed(3), '-'],
  ["one-generation exp2 trial, fresh executor thread (a run's first trial)", executorFirst.toFixed(3), '-'],
  ['one-generation exp2 trial, same thread again (later trials)', executorLater.toFixed(3), '-'],
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
  secondsBest: {
    ...phases,
    freshThreadLoad: threadLoad,
    oneGenerationTrialFreshThread: executorFirst,
    oneGenerationTrialWarmThread: executorLater,
    fixedBefore: before,
    fixedNow: after,
    fixedLaterTrial: laterTrial,
  },
  cpuSecondsBest: cpuOf,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'trial_fixed_cost.json'), JSON.stringify(out, null, 2) + '\n');
console.log('wrote bench/results/trial_fixed_cost.json');
