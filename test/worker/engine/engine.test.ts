import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ask,
  cloneState,
  shareState,
  simpleEs,
  simpleGa,
  snapshotState,
  tournamentGa,
  type EvolutionState,
} from '../../../src/shared/algorithms/index.js';
import {
  EXP1_MLP,
  argmaxRows,
  expMlp,
  forward,
  initParams,
  paramCount,
  type MlpSpec,
} from '../../../src/shared/model/mlp.js';
import { actionMatch, crossEntropy } from '../../../src/shared/fitness/metrics.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import { ZIG_K } from '../../../src/shared/rng/ziggurat.js';
import {
  CpuEngine,
  TfjsEngine,
  createEngine,
  evaluateShardInline,
  evaluateShardJs,
  type FitnessKind,
  type ShardRequest,
} from '../../../src/worker/engine/index.js';

const FITNESS: FitnessKind[] = ['ce', 'accuracy', 'macro_f1'];
const SPECS: MlpSpec[] = [expMlp(8, 4), EXP1_MLP, { inputs: 3, hidden: [7, 5], outputs: 3, activation: 'tanh' }];

/** A population of independently initialised agents (rows) and a labelled batch. */
function shard(spec: MlpSpec, agents: number, n: number, seed: number): Omit<ShardRequest, 'fitness'> {
  const P = paramCount(spec);
  const params = new Float32Array(agents * P);
  for (let a = 0; a < agents; a++) params.set(initParams(spec, CounterRng.from(seed, RngPurpose.init, a)), a * P);
  const rng = CounterRng.from(seed, RngPurpose.dataset);
  const x = rng.fillNormal(new Float32Array(n * spec.inputs), 0, 1.5);
  const y = Int32Array.from({ length: n }, () => rng.nextInt(spec.outputs));
  return { spec, params, start: 0, end: agents, x, y, n, seed, generation: 3 };
}

const describeSpec = (s: MlpSpec): string => `${s.inputs}→${s.hidden.join('→')}→${s.outputs} ${s.activation}`;

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= rel * Math.max(1, Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

describe('CPU evaluation kernel', () => {
  for (const spec of SPECS) {
    it(`computes cross-entropy and accuracy of each agent's logits (${describeSpec(spec)})`, () => {
      const req = shard(spec, 6, 37, 1);
      const ce = evaluateShardInline({ ...req, fitness: 'ce' });
      const acc = evaluateShardInline({ ...req, fitness: 'accuracy' });
      const P = paramCount(spec);
      for (let a = 0; a < 6; a++) {
        const logits = forward(
          spec,
          req.params.subarray(a * P, (a + 1) * P),
          req.x,
          req.n,
          new Float32Array(req.n * spec.outputs),
        );
        const wantCe = crossEntropy(logits, req.y, spec.outputs);
        assert.ok(Math.abs(ce[a] - wantCe) < 2e-6 * Math.max(1, wantCe), `agent ${a}: CE ${ce[a]} vs ${wantCe}`);
        assert.equal(acc[a], Math.fround(actionMatch(req.y, argmaxRows(logits, req.n, spec.outputs))));
      }
    });
  }

  for (const fitness of FITNESS) {
    it(`gives every agent the same ${fitness} whatever the shard boundaries ([0,10) vs [0,4) + [4,10))`, () => {
      const spec = expMlp(8, 4);
      const req = shard(spec, 10, 32, 2);
      const P = paramCount(spec);
      const whole = evaluateShardInline({ ...req, fitness });
      const left = evaluateShardInline({ ...req, fitness, end: 4, params: req.params.subarray(0, 4 * P) });
      const right = evaluateShardInline({ ...req, fitness, start: 4, params: req.params.subarray(4 * P) });
      assert.deepEqual(Array.from(whole), [...left, ...right]);
    });
  }

  it('keys macro-F1 sampling by (seed, generation, agent): same inputs, same value; another generation, another draw', () => {
    const req = { ...shard(expMlp(8, 4), 4, 64, 3), fitness: 'macro_f1' as const };
    assert.deepEqual(evaluateShardInline(req), evaluateShardInline(req));
    assert.notDeepEqual(evaluateShardInline(req), evaluateShardInline({ ...req, generation: 4 }));
  });

  for (const spec of SPECS) {
    it(`agrees with the JavaScript fallback kernel to float32 tolerance (${describeSpec(spec)})`, () => {
      const req = shard(spec, 5, 45, 4);
      for (const fitness of ['ce', 'accuracy'] as const) {
        assertClose(evaluateShardInline({ ...req, fitness }), evaluateShardJs({ ...req, fitness }), 2e-6, fitness);
      }
    });
  }

  it('evaluates a batch of 30 000 samples (experiment 1 scores agents on the whole training set)', () => {
    const req = shard(EXP1_MLP, 2, 30000, 5);
    const ce = evaluateShardInline({ ...req, fitness: 'ce' });
    const js = evaluateShardJs({ ...req, fitness: 'ce' });
    assertClose(ce, js, 1e-5, 'ce');
  });

  it('refuses a shard whose parameters do not fit the network, naming the sizes', () => {
    const req = shard(expMlp(8, 4), 3, 8, 6);
    assert.throws(
      () => evaluateShardInline({ ...req, fitness: 'ce', params: req.params.subarray(0, 100) }),
      InvalidArgumentError,
    );
    assert.throws(() => evaluateShardInline({ ...req, fitness: 'ce', n: 0 }), /n ≥ 1/);
  });
});

describe('CPU and TensorFlow.js backends', () => {
  for (const spec of SPECS) {
    for (const fitness of FITNESS) {
      it(`give the same ${fitness} to float32 tolerance (${describeSpec(spec)})`, async () => {
        const req = { ...shard(spec, 7, 29, 7), fitness };
        const tfjs = await TfjsEngine.create('tfjs');
        assert.match(tfjs.backend, /tfjs/);
        const cpu = await createEngine('cpu');
        const a = await cpu.evaluate(req);
        const b = await tfjs.evaluate(req);
        // Sampled F1 compares actions drawn with the same uniforms from near-identical softmaxes.
        assertClose(a, b, fitness === 'ce' ? 1e-5 : 0, fitness);
        await cpu.close();
        await tfjs.close();
      });
    }
  }
});

/** States of every algorithm and mutation mode, generation 2 (so σ and elites have moved). */
function states(spec: MlpSpec, P: number): [string, EvolutionState][] {
  const init = initParams(spec, CounterRng.from(9, RngPurpose.init));
  const out: [string, EvolutionState][] = [];
  const modes = [
    { mode: 'fixed_sigma' as const },
    { mode: 'adaptive_sigma' as const },
    { mode: 'adaptive_sigma' as const, sigmaInit: 0.3, sigmaNoise: 0.5 },
    { mode: 'fixed_sigma' as const, sigma: 0.05, probability: 0.3 },
    // σ driven below float32's normal range and above its largest value: the clamps must agree too.
    { mode: 'adaptive_sigma' as const, sigmaInit: 2e-38, sigmaNoise: 3 },
    { mode: 'adaptive_sigma' as const, sigmaInit: 3e38, sigmaNoise: 3 },
  ];
  for (const mutation of modes) {
    const name = `${mutation.mode} ${JSON.stringify(mutation)}`;
    for (const [algo, s0] of [
      ['simple_ga', simpleGa.init(init, { populationSize: P, mutation }, 11)],
      ['simple_es', simpleEs.init(init, { populationSize: P, mutation }, 11)],
      ['tournament_ga', tournamentGa.init(init, { populationSize: P, mutation, eliteCount: 2 }, 11)],
    ] as const) {
      let s: EvolutionState = s0;
      for (let g = 0; g < 2; g++) {
        const pop = ask(s);
        const f = new Float64Array(P);
        for (let i = 0; i < P; i++) f[i] = Math.sin(pop[i * s.numParams] * 1000 + i);
        s = (algo === 'simple_ga' ? simpleGa : algo === 'simple_es' ? simpleEs : tournamentGa).tell(s, f);
      }
      out.push([`${algo} ${name}`, s]);
    }
  }
  return out;
}

describe('population evaluation (variation fused with evaluation)', () => {
  const engine = new CpuEngine();
  const pooled = new CpuEngine({ threads: 2 });
  after(async () => {
    await engine.close();
    await pooled.close();
  });

  it('varies exactly the rows ask() gives (the noise kernel reproduces CounterRng bit for bit) and scores them as evaluateShardInline', async () => {
    // 2466 parameters × 2 streams × 40 agents × 18 states ≈ 3M normals: thousands of ziggurat slow paths.
    const spec = EXP1_MLP;
    const { x, y } = shard(spec, 1, 50, 12);
    let tailDraws = 0;
    for (const [name, state] of states(spec, 40)) {
      for (let a = 0; a < 40; a++) {
        const words = CounterRng.from(state.seed, RngPurpose.mutation, state.generation, a);
        for (let j = 0; j < state.numParams; j++) {
          const u = words.nextUint32();
          if ((u & 255) === 0 && u >>> 9 >= ZIG_K[0]) tailDraws++;
        }
      }
      const reference = cloneState(state);
      const fitness = await engine.evaluatePopulation({ spec, state, x, y, n: 50, fitness: 'ce' });
      const population = ask(reference);
      assert.deepEqual(state.scratch.population, population, `${name}: varied parameters`);
      assert.deepEqual(state.scratch.populationSigma, reference.scratch.populationSigma, `${name}: varied σ`);
      const want = evaluateShardInline({
        spec,
        params: population,
        start: 0,
        end: 40,
        x,
        y,
        n: 50,
        fitness: 'ce',
        seed: state.seed,
        generation: state.generation,
      });
      assert.deepEqual(fitness, want, `${name}: fitness`);
    }
    assert.ok(tailDraws > 0, 'the streams compared should include draws from the normal tail');
  });

  it('lets tell() reuse the varied rows: the next state equals ask → evaluate → tell', async () => {
    const spec = expMlp(8, 4);
    const { x, y } = shard(spec, 1, 32, 13);
    let fused = simpleGa.init(
      initParams(spec, CounterRng.from(1, 1)),
      { populationSize: 20, mutation: { mode: 'adaptive_sigma' }, direction: 'minimize' },
      5,
    );
    let plain = cloneState(fused);
    for (let g = 0; g < 4; g++) {
      const f1 = await engine.evaluatePopulation({ spec, state: fused, x, y, n: 32, fitness: 'ce' });
      const f2 = evaluateShardInline({
        spec,
        params: ask(plain),
        start: 0,
        end: 20,
        x,
        y,
        n: 32,
        fitness: 'ce',
        seed: 5,
        generation: g,
      });
      assert.deepEqual(f1, f2);
      fused = simpleGa.tell(fused, f1);
      plain = simpleGa.tell(plain, f2);
    }
    assert.deepEqual(snapshotState(fused), snapshotState(plain));
  });

  for (const fitness of FITNESS) {
    it(`gives the same ${fitness} and next state on 2 threads (shared state) as inline`, async () => {
      const spec = expMlp(8, 4);
      const { x, y } = shard(spec, 1, 32, 14);
      const init = initParams(spec, CounterRng.from(2, 1));
      const options = { populationSize: 48, mutation: { mode: 'adaptive_sigma' as const } };
      let threaded = shareState(simpleEs.init(init, options, 8));
      let inline = simpleEs.init(init, options, 8);
      for (let g = 0; g < 3; g++) {
        const a = await pooled.evaluatePopulation({ spec, state: threaded, x, y, n: 32, fitness });
        const b = await engine.evaluatePopulation({ spec, state: inline, x, y, n: 32, fitness });
        assert.deepEqual(a, b);
        assert.deepEqual(threaded.scratch.population, inline.scratch.population);
        threaded = simpleEs.tell(threaded, a);
        inline = simpleEs.tell(inline, b);
      }
      assert.deepEqual(snapshotState(threaded).params, snapshotState(inline).params);
    });
  }

  it('reports a bad batch from a pooled evaluation as an InvalidArgumentError and keeps working afterwards', async () => {
    const spec = expMlp(8, 4);
    const { x, y } = shard(spec, 1, 32, 17);
    const state = shareState(simpleGa.init(initParams(spec, CounterRng.from(4, 1)), { populationSize: 40 }, 3));
    const bad = Int32Array.from(y, (v, i) => (i === 31 ? 9 : v));
    await assert.rejects(
      pooled.evaluatePopulation({ spec, state, x, y: bad, n: 32, fitness: 'ce' }),
      InvalidArgumentError,
    );
    const f = await pooled.evaluatePopulation({ spec, state, x, y, n: 32, fitness: 'ce' });
    assert.deepEqual(
      f,
      evaluateShardInline({
        spec,
        params: state.scratch.population,
        start: 0,
        end: 40,
        x,
        y,
        n: 32,
        fitness: 'ce',
        seed: 3,
        generation: 0,
      }),
    );
  });

  it('evaluates a row range alone, equal to the same rows of the whole', async () => {
    const spec = expMlp(8, 4);
    const { x, y } = shard(spec, 1, 16, 15);
    const init = initParams(spec, CounterRng.from(3, 1));
    const a = simpleGa.init(init, { populationSize: 12, mutation: { mode: 'adaptive_sigma' } }, 3);
    const b = cloneState(a);
    const whole = await engine.evaluatePopulation({ spec, state: a, x, y, n: 16, fitness: 'accuracy' });
    const part = await engine.evaluatePopulation({
      spec,
      state: b,
      x,
      y,
      n: 16,
      fitness: 'accuracy',
      start: 5,
      end: 9,
    });
    assert.deepEqual(part, whole.subarray(5, 9));
    assert.deepEqual(b.scratch.population.subarray(5 * 654, 9 * 654), a.scratch.population.subarray(5 * 654, 9 * 654));
  });

  it('refuses a state already passed to tell, and a network of the wrong size', async () => {
    const spec = expMlp(8, 4);
    const { x, y } = shard(spec, 1, 8, 16);
    const s = simpleGa.init(initParams(spec, CounterRng.from(3, 1)), { populationSize: 4 }, 3);
    simpleGa.tell(s, await engine.evaluatePopulation({ spec, state: s, x, y, n: 8, fitness: 'ce' }));
    await assert.rejects(
      engine.evaluatePopulation({ spec, state: s, x, y, n: 8, fitness: 'ce' }),
      /already passed to tell/,
    );
    const t = simpleGa.init(new Float32Array(10), { populationSize: 4 }, 3);
    await assert.rejects(engine.evaluatePopulation({ spec, state: t, x, y, n: 8, fitness: 'ce' }), /654/);
  });
});
