import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ask,
  askRows,
  cloneState,
  shareState,
  simpleEs,
  simpleGa,
  tournamentGa,
  type EvolutionState,
  type MutationOptions,
} from '../../../src/shared/algorithms/index.js';
import { SIGMA_MIN } from '../../../src/shared/algorithms/config.js';
import { EXP1_MLP, expMlp, initParams, paramCount, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose, philox4x32_10 } from '../../../src/shared/rng/philox.js';
import { ZIG_F, ZIG_K, ZIG_W } from '../../../src/shared/rng/ziggurat.js';
import { CpuEngine } from '../../../src/worker/engine/index.js';
import { agentKernel } from '../../../src/worker/engine/generation.js';
import { WasmMlp } from '../../../src/worker/engine/mlp_wasm.js';
import { EXP_BAND, noiseRegions, streamFuncs } from '../../../src/worker/engine/noise_wasm.js';

const ODD: MlpSpec = { inputs: 3, hidden: [7, 5], outputs: 3, activation: 'tanh' }; // 86 parameters: rows end mid-vector

function kernelFor(spec: MlpSpec): NonNullable<ReturnType<typeof agentKernel>> {
  const k = agentKernel(spec);
  if (k === null) throw new Error('no WebAssembly SIMD here');
  return k;
}

/** Varies rows [start, end) with the kernel and asserts the rows and σ equal what the algorithms' ask() computes. */
function assertKernelMatchesAsk(state: EvolutionState, what: string, start = 0, end = state.populationSize): void {
  const reference = cloneState(state);
  kernelFor(specOf(state.numParams)).varyRange(state, start, end);
  const n = state.numParams;
  const want = ask(reference).subarray(start * n, end * n);
  assert.deepEqual(state.scratch.population.subarray(start * n, end * n), want, `${what}: varied parameters`);
  assert.deepEqual(
    state.scratch.populationSigma.subarray(start * n, end * n),
    reference.scratch.populationSigma.subarray(start * n, end * n),
    `${what}: varied σ`,
  );
}

const SPECS = [expMlp(8, 4), EXP1_MLP, ODD];
function specOf(n: number): MlpSpec {
  const spec = SPECS.find((s) => paramCount(s) === n);
  if (spec === undefined) throw new Error(`no spec with ${n} parameters`);
  return spec;
}

/** How CounterRng's ziggurat settles a word: fast path, wedge on the first side word, next candidate, or further. */
type ZigCase = 'fast' | 'tail' | 'wedge' | 'second' | 'further';
function zigCase(u: number, k0: number, k1: number, block: number, lane: number): ZigCase {
  const i = u & 255;
  const r = u >>> 9;
  if (r < ZIG_K[i]) return 'fast';
  if (i === 0) return 'tail';
  const side = new Uint32Array(4);
  philox4x32_10(block, 0, 1 + lane, 0, k0, k1, side);
  const x = r * ZIG_W[i];
  const y = ZIG_F[i] + (side[0] >>> 8) * (1 / 16777216) * (ZIG_F[i - 1] - ZIG_F[i]);
  if (y < Math.exp(-0.5 * x * x)) return 'wedge';
  const u2 = side[1];
  return u2 >>> 9 < ZIG_K[u2 & 255] ? 'second' : 'further';
}

/** The stream key CounterRng.from(seed, purpose, generation, agent) uses, by folding as it documents. */
function streamKey(seed: number, ids: number[]): [number, number] {
  let k0 = seed % 4294967296;
  let k1 = Math.floor(seed / 4294967296);
  const block = new Uint32Array(4);
  ids.forEach((id, i) => {
    philox4x32_10(id, i, ids.length, 0x5eed1d5, k0, k1, block);
    k0 = block[0];
    k1 = block[1];
  });
  return [k0, k1];
}

describe('WebAssembly variation kernel', () => {
  it('varies every row bit for bit as ask(): adaptive and fixed σ, several seeds and generations, every kind of ziggurat draw', () => {
    const cases: Record<ZigCase, number> = { fast: 0, tail: 0, wedge: 0, second: 0, further: 0 };
    const spec = EXP1_MLP;
    const n = paramCount(spec);
    const P = 3 * kernelFor(spec).chunk + 5; // several chunks and a partial one
    const init = initParams(spec, CounterRng.from(5, RngPurpose.init));
    for (const [seed, mode] of [
      [3, 'adaptive_sigma'],
      [2 ** 40 + 17, 'adaptive_sigma'],
      [9, 'fixed_sigma'],
    ] as const) {
      let state = simpleGa.init(init, { populationSize: P, mutation: { mode }, direction: 'minimize' }, seed);
      for (let g = 0; g < 3; g++) {
        for (let a = 0; a < P; a++) {
          for (const purpose of mode === 'adaptive_sigma'
            ? [RngPurpose.mutation, RngPurpose.sigma]
            : [RngPurpose.mutation]) {
            const [k0, k1] = streamKey(seed, [purpose, g, a]);
            const words = CounterRng.from(seed, purpose, g, a);
            for (let j = 0; j < n; j++) cases[zigCase(words.nextUint32(), k0, k1, j >>> 2, j & 3)]++;
          }
        }
        assertKernelMatchesAsk(state, `seed ${seed} ${mode} generation ${g}`);
        const fitness = Float64Array.from({ length: P }, (_, i) => Math.sin(i * 1.3 + g));
        state = simpleGa.tell(state, fitness);
      }
    }
    // The slow path's branches all ran: tails, wedge accepts, next-candidate accepts, and longer chains.
    for (const c of ['tail', 'wedge', 'second', 'further'] as const)
      assert.ok(cases[c] > 10, `${c} draws: ${cases[c]}`);
  });

  it('handles rows that end mid-vector (86 parameters), generations up to 2^32 − 1, and row ranges that start anywhere', () => {
    const init = initParams(ODD, CounterRng.from(6, RngPurpose.init));
    for (const generation of [0, 1, 4294967295]) {
      const state = simpleGa.init(init, { populationSize: 75, mutation: { mode: 'adaptive_sigma' } }, 44);
      const at = { ...state, generation, scratch: { ...state.scratch, epoch: Float64Array.of(generation) } };
      assertKernelMatchesAsk(at, `generation ${generation}, rows 7…61`, 7, 61);
      assertKernelMatchesAsk(at, `generation ${generation}, all rows`);
    }
  });

  it('varies rows from normals drawn ahead (all, some, or for another generation) exactly as ask()', () => {
    for (const [spec, mode] of [
      [expMlp(8, 4), 'adaptive_sigma'],
      [ODD, 'fixed_sigma'],
    ] as const) {
      const kernel = kernelFor(spec);
      const init = initParams(spec, CounterRng.from(10, RngPurpose.init));
      const P = 2 * kernel.chunk + 9;
      for (const [drawn, generationAhead] of [
        [P, 0],
        [37, 0],
        [P, 1],
      ]) {
        const state = simpleGa.init(init, { populationSize: P, mutation: { mode } }, 21);
        let batches = 0;
        // Stop once `drawn` agents (in batches of 2) are drawn, as a pool thread stops when a job arrives.
        kernel.drawAhead(21, generationAhead, mode === 'adaptive_sigma', 0, P, () => 2 * batches++ >= drawn);
        assertKernelMatchesAsk(state, `${mode}, ${drawn} agents drawn ahead for generation ${generationAhead}`);
      }
    }
  });

  it('leaves elites, already varied rows and sparse masks to the algorithms and still matches ask()', () => {
    const spec = expMlp(8, 4);
    const init = initParams(spec, CounterRng.from(7, RngPurpose.init));
    const mutations: MutationOptions[] = [
      { mode: 'fixed_sigma', sigma: 0.02, probability: 0.3 },
      { mode: 'adaptive_sigma' },
    ];
    for (const mutation of mutations) {
      const state = tournamentGa.init(init, { populationSize: 30, mutation, eliteCount: 3 }, 5);
      const fitness = Float64Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
      const next = tournamentGa.tell(state, fitness); // protects its elite rows
      askRows(next, 10, 14); // some rows varied beforehand
      assertKernelMatchesAsk(next, `tournament_ga ${mutation.mode}`);
    }
  });

  it('clamps and carries σ exactly as variation.ts: zero, subnormal, negative, overflowing, infinite and NaN σ', () => {
    const spec = ODD;
    const n = paramCount(spec);
    const state = simpleEs.init(
      initParams(spec, CounterRng.from(8, 1)),
      { populationSize: 9, mutation: { mode: 'adaptive_sigma' } },
      3,
    );
    const specials = [0, -0, SIGMA_MIN / 4, -2e-3, 3.4e38, Infinity, NaN, 1e-38, 5e-3];
    for (let a = 0; a < 9; a++)
      for (let j = 0; j < n; j += 5) state.sigma[a * n + j] = specials[(a + j) % specials.length];
    assertKernelMatchesAsk(state, 'special σ');
  });

  it('puts its polynomial exp within 1e-13 of Math.exp, far inside the 1e-9 band where Math.exp decides the wedge test', () => {
    const mlp = WasmMlp.create(expMlp(1, 2), {
      regions: noiseRegions(8),
      funcs: (r) => streamFuncs(r, WasmMlp.FIRST_EXTRA_FUNC).funcs,
    });
    assert.ok(mlp !== undefined);
    const expNear = mlp.exports.expNear as (t: number) => number;
    let worst = 0;
    for (let i = 0; i <= 200000; i++) {
      const t = -60 * (i / 200000) ** 2; // dense near 0, where the wedge's −x²/2 lies (≥ −6.7)
      worst = Math.max(worst, Math.abs(expNear(t) / Math.exp(t) - 1));
    }
    assert.ok(worst < 1e-13 && worst < EXP_BAND / 1000, `worst relative error ${worst}`);
  });
});

describe('thread pool with rows claimed from a shared counter', () => {
  const engines = [new CpuEngine(), new CpuEngine({ threads: 2 }), new CpuEngine({ threads: 3 })];
  after(async () => {
    for (const e of engines) await e.close();
  });

  it('gives the same fitness and next state on 1, 2 and 3 threads, generation after generation', async () => {
    const spec = expMlp(8, 4);
    const init = initParams(spec, CounterRng.from(9, 1));
    const rng = CounterRng.from(9, RngPurpose.dataset);
    const x = rng.fillNormal(new Float32Array(32 * 8));
    const y = Int32Array.from({ length: 32 }, () => rng.nextInt(4));
    const options = {
      populationSize: 77,
      mutation: { mode: 'adaptive_sigma' as const },
      direction: 'minimize' as const,
    };
    let states = engines.map((_, i) =>
      i === 0 ? simpleGa.init(init, options, 4) : shareState(simpleGa.init(init, options, 4)),
    );
    for (let g = 0; g < 5; g++) {
      const fitness = await Promise.all(
        engines.map((e, i) => e.evaluatePopulation({ spec, state: states[i], x, y, n: 32, fitness: 'ce' })),
      );
      for (let i = 1; i < engines.length; i++) {
        assert.deepEqual(fitness[i], fitness[0], `generation ${g}, ${i + 1} threads: fitness`);
        assert.deepEqual(states[i].scratch.population, states[0].scratch.population, `generation ${g}: rows`);
      }
      states = states.map((s, i) => simpleGa.tell(s, fitness[i]));
    }
  });
});
