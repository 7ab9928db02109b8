/**
 * Environment throughput: steps per second of each env (single env, random actions, reset on episode end) and of
 * the vectorized CartPole at N = 1024, all on one core, against Gymnasium itself measured in the same run by
 * bench/peers/gymnasium_envs.py. Prints a table and writes bench/results/envs.json.
 *
 *   npm run bench                       (built)     node --import tsx bench/envs.bench.ts   (from source)
 * Env: BENCH_SECONDS (per measurement, default 2), GYMNASIUM_SRC (a Gymnasium source tree; default
 * /tmp/gymnasium-src, extracted from the git repository in GYMNASIUM_GIT when missing), PYTHON (default python3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { make } from '../src/shared/envs/registry.js';
import { CartPoleVectorEnv, SyncVectorEnv, makeVec } from '../src/shared/envs/vector/index.js';
import type { VectorEnv } from '../src/shared/envs/vector/index.js';
import { CounterRng } from '../src/shared/rng/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const N_VEC = 1024;

const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** Calls `batch()` (which does `perBatch` steps) for SECONDS after a 0.5 s warm-up; returns steps/s. */
function timed(batch: () => void, perBatch: number): number {
  // Long enough for V8 to optimise the hot paths (LunarLander needs a few hundred milliseconds).
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) batch();
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    batch();
    steps += perBatch;
    elapsed = performance.now() - start;
  }
  return steps / (elapsed / 1000);
}

function actionTable(n: number, size: number): Int32Array {
  const rng = CounterRng.from(0, 6);
  return Int32Array.from({ length: size }, () => rng.nextInt(n));
}

function single(id: string): number {
  const env = make(id);
  const actions = actionTable(env.actionSpace.n, 4096);
  env.reset({ seed: 0 });
  let t = 0;
  return timed(() => {
    for (let k = 0; k < 256; k++) {
      const r = env.step(actions[t++ & 4095]);
      if (r.terminated || r.truncated) env.reset();
    }
  }, 256);
}

function vectorCartPole(env: VectorEnv & { engine?: string }): { stepsPerS: number; engine: string } {
  const batches = Array.from({ length: 64 }, (_, b) => {
    const rng = CounterRng.from(b, 6);
    return Int32Array.from({ length: N_VEC }, () => rng.nextInt(2));
  });
  env.reset({ seed: 0 });
  let t = 0;
  const stepsPerS = timed(() => {
    env.step(batches[t++ & 63]);
  }, N_VEC);
  return { stepsPerS, engine: env.engine ?? 'sync' };
}

interface PeerResult {
  steps_per_s?: number;
  unwrapped_steps_per_s?: number;
  skipped?: string;
}
interface Peer {
  error?: string;
  gymnasium?: string;
  numpy?: string;
  python?: string;
  results?: Record<string, PeerResult>;
}

/** Finds or extracts a Gymnasium source tree; returns its path or why there is none. */
function gymnasiumSource(): { src?: string; why?: string } {
  const src = process.env.GYMNASIUM_SRC ?? '/tmp/gymnasium-src';
  if (existsSync(join(src, 'gymnasium', '__init__.py'))) return { src };
  const git = process.env.GYMNASIUM_GIT ?? '/work/.mirror/Farama-Foundation+Gymnasium/repo';
  if (process.env.GYMNASIUM_SRC === undefined && existsSync(git)) {
    mkdirSync(src, { recursive: true });
    const res = spawnSync('sh', ['-c', `git -C "${git}" archive HEAD gymnasium | tar -x -C "${src}"`], {
      encoding: 'utf8',
    });
    if (existsSync(join(src, 'gymnasium', '__init__.py'))) return { src };
    return { why: `could not extract Gymnasium from ${git}: ${res.stderr.trim().split('\n')[0]}` };
  }
  return { why: `no Gymnasium source tree at ${src} (set GYMNASIUM_SRC to a checkout of Farama-Foundation/Gymnasium)` };
}

function runPeer(): Peer {
  const found = gymnasiumSource();
  if (found.src === undefined) return { error: found.why };
  const python = process.env.PYTHON ?? 'python3';
  const res = spawnSync(python, [join(root, 'bench', 'peers', 'gymnasium_envs.py'), String(SECONDS)], {
    encoding: 'utf8',
    // One core for the peer too: keep NumPy's BLAS/OpenMP pools single-threaded.
    env: {
      ...process.env,
      GYMNASIUM_SRC: found.src,
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
    },
    timeout: 600_000,
  });
  if (res.error) return { error: `${python} not runnable (${res.error.message})` };
  try {
    return JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as Peer;
  } catch {
    return { error: `peer printed no JSON (exit ${res.status}): ${res.stderr.trim().split('\n').pop() ?? ''}` };
  }
}

interface Row {
  name: string;
  ours: number | null;
  gymnasium: number | null;
  gymnasiumUnwrapped: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
}

const rows: Row[] = [];
const specs: { id: string; ratio?: number; absolute?: number }[] = [
  { id: 'CartPole-v1', ratio: 25 },
  { id: 'Acrobot-v1', ratio: 30 },
  { id: 'MountainCar-v0' },
  { id: 'LunarLander-v3', absolute: 30000 },
];

console.log(`measuring our envs (${SECONDS} s each)…`);
const ours = new Map<string, number | string>();
for (const s of specs) {
  try {
    ours.set(s.id, single(s.id));
  } catch (e) {
    ours.set(s.id, `failed: ${(e as Error).message}`);
  }
}
// makeVec's default for CartPole-v1, like the peer's gym.make_vec: one generator for the batch.
const vec = vectorCartPole(makeVec('CartPole-v1', N_VEC));
// For information: the fallback kernels (engines without WebAssembly SIMD, or without WebAssembly), 'sync' mode on
// the kernel (a generator per sub-env, as the rollout workers use it) and N plain envs stepped in turn.
const extra: [string, () => VectorEnv][] = [
  [`CartPole-v1 VectorEnv N=${N_VEC} (wasm kernel, no SIMD)`, () => new CartPoleVectorEnv(N_VEC, { engine: 'wasm' })],
  [`CartPole-v1 VectorEnv N=${N_VEC} (js kernel)`, () => new CartPoleVectorEnv(N_VEC, { engine: 'js' })],
  [`CartPole-v1 makeVec sync N=${N_VEC} (kernel, per-env generators)`, () => makeVec('CartPole-v1', N_VEC, { vectorizationMode: 'sync' })], // prettier-ignore
  [`CartPole-v1 SyncVectorEnv N=${N_VEC}`, () => new SyncVectorEnv(() => make('CartPole-v1'), N_VEC)],
];
const extraResults = extra.map(([name, build]): [string, number | string] => {
  try {
    return [name, vectorCartPole(build()).stepsPerS];
  } catch (e) {
    return [name, `failed: ${(e as Error).message}`];
  }
});
console.log('measuring Gymnasium…');
const peer = runPeer();
if (peer.error !== undefined) console.log(`peer skipped: ${peer.error}`);

for (const s of specs) {
  const mine = ours.get(s.id);
  const p = peer.results?.[s.id];
  // The ratio is taken against the faster of gym.make(id) and the bare env, to be conservative.
  const theirs = p?.steps_per_s === undefined ? null : Math.max(p.steps_per_s, p.unwrapped_steps_per_s ?? 0);
  const value = typeof mine === 'number' ? mine : null;
  const ratio = value !== null && theirs !== null ? value / theirs : null;
  let pass: boolean | null = null;
  let target = '-';
  if (s.ratio !== undefined) {
    target = `>= ${s.ratio}x Gymnasium`;
    pass = ratio === null ? null : ratio >= s.ratio;
  } else if (s.absolute !== undefined) {
    target = `>= ${s.absolute} steps/s`;
    pass = value === null ? null : value >= s.absolute;
  }
  const notes = [typeof mine === 'string' ? mine : undefined, p?.skipped ? `peer skipped: ${p.skipped}` : undefined];
  const note = notes.filter((x) => x !== undefined).join('; ');
  rows.push({
    name: `${s.id} (single env)`,
    ours: value,
    gymnasium: p?.steps_per_s ?? null,
    gymnasiumUnwrapped: p?.unwrapped_steps_per_s ?? null,
    ratio,
    target,
    pass,
    ...(note ? { note } : {}),
  });
}
{
  const p = peer.results?.[`CartPoleVectorEnv N=${N_VEC}`];
  const theirs = p?.steps_per_s ?? null;
  const ratio = theirs === null ? null : vec.stepsPerS / theirs;
  rows.push({
    name: `CartPole-v1 VectorEnv N=${N_VEC} (${vec.engine})`,
    ours: vec.stepsPerS,
    gymnasium: theirs,
    gymnasiumUnwrapped: null,
    ratio,
    target: '>= 3x CartPoleVectorEnv',
    pass: ratio === null ? null : ratio >= 3,
    ...(p?.skipped ? { note: `peer skipped: ${p.skipped}` } : {}),
  });
}

for (const [name, v] of extraResults) {
  rows.push({
    name,
    ours: typeof v === 'number' ? v : null,
    gymnasium: null,
    gymnasiumUnwrapped: null,
    ratio: null,
    target: '-',
    pass: null,
    ...(typeof v === 'string' ? { note: v } : {}),
  });
}

const fmt = (v: number | null): string =>
  v === null ? '-' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0);
const table = [
  ['env', 'ours steps/s', 'gymnasium steps/s', 'ratio', 'target', 'met'],
  ...rows.map((r) => [
    r.name,
    fmt(r.ours),
    fmt(r.gymnasium === null ? null : Math.max(r.gymnasium, r.gymnasiumUnwrapped ?? 0)),
    r.ratio === null ? '-' : `${r.ratio.toFixed(1)}x`,
    r.target,
    r.pass === null ? '-' : r.pass ? 'yes' : 'NO',
  ]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
for (const r of rows) if (r.note) console.log(`${r.name}: ${r.note}`);

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  logicalCores: cpus().length,
  secondsPerMeasurement: SECONDS,
  method:
    'single env: random actions from a fixed table, reset() on terminated/truncated; vector: random action batches, ' +
    'next-step autoreset; gymnasium column = max(gym.make(id), bare env with hand-counted time limit)',
  peer:
    peer.error !== undefined
      ? { skipped: peer.error }
      : { gymnasium: peer.gymnasium, numpy: peer.numpy, python: peer.python },
  rows,
};
const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'envs.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${join(dir, 'envs.json')}`);
