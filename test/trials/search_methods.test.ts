/**
 * CMA-ES and OpenAI-ES as exp2 methods, and the objectives a gradient cannot follow (exact macro-F1, action
 * match, episode return) as fitness for any NE method: planned by name, valid on the wire, deterministic and
 * resumable as trials.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { argmaxRows, expMlp, forward, forwardScratch, initParams } from '../../src/shared/model/mlp.js';
import { macroF1 } from '../../src/shared/fitness/metrics.js';
import { CounterRng, RngPurpose } from '../../src/shared/rng/philox.js';
import { trialData } from '../../src/trials/data.js';
import { EXP2_METHODS, EXP2_PROPOSAL_METHODS, withFitness, type Method } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { runTrial, type TrialFolder, type TrialSpec } from '../../src/trials/trial.js';
import { EXP2_DEFAULTS, planExp2 } from '../../src/experiments/exp2.js';
import { validateTrialSpec } from '../../src/shared/protocol/trial_spec.js';
import { evaluateShardInline } from '../../src/worker/engine/cpu_kernel.js';
import { evaluateShardJs } from '../../src/worker/engine/js_kernel.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-search-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 3000, seed: 3 });

function spec(method: Method, steps: number, id = method.name): TrialSpec {
  return {
    experiment: 'exp2',
    id: `t_${id}`,
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 1, testFraction: 0.1 },
    method,
    model: expMlp(4, 2),
    seed: 5,
    budget: { steps },
    evalPoints: 6,
    evalEpisodes: 0,
    checkpointEvery: 1,
  };
}

describe('search methods in exp2', () => {
  it('keeps the proposal’s nine methods as the default list and adds cmaes/openai_es × ce/f1 by name', () => {
    assert.deepEqual(EXP2_DEFAULTS.methods, [...EXP2_PROPOSAL_METHODS]);
    assert.equal(EXP2_PROPOSAL_METHODS.length, 9);
    for (const name of ['cmaes_ce', 'cmaes_f1', 'openai_es_ce', 'openai_es_f1']) {
      assert.ok(name in EXP2_METHODS, name);
      assert.ok(!EXP2_PROPOSAL_METHODS.includes(name), name);
    }
  });

  it('plans cmaes_ce and openai_es_f1 as trial specs the wire schema accepts', () => {
    const specs = planExp2({ ...EXP2_DEFAULTS, methods: ['cmaes_ce', 'openai_es_f1'], fractions: [0.1] });
    assert.deepEqual(
      specs.map((s) => s.method.name),
      ['cmaes_ce', 'openai_es_f1'],
    );
    for (const s of specs) validateTrialSpec(JSON.parse(JSON.stringify(s)), 'test');
  });

  it('--fitness renames and re-targets every NE method, and leaves SGD alone', () => {
    const specs = planExp2({
      ...EXP2_DEFAULTS,
      methods: ['sgd', 'ga_fixed_ce', 'cmaes_f1'],
      fractions: [0.1],
      fitness: 'f1',
      fitnessTrials: 50,
    });
    assert.deepEqual(
      specs.map((s) => s.method.name),
      ['sgd', 'ga_fixed_f1_t50', 'cmaes_f1_t50'],
    );
    const ne = specs[2].method;
    assert.ok(ne.kind === 'ne' && ne.fitness === 'macro_f1' && ne.trials === 50);
    const exact = withFitness(EXP2_METHODS.es_adaptive_f1, 'f1_exact', undefined);
    assert.ok(exact.kind === 'ne' && exact.name === 'es_adaptive_f1_exact' && exact.fitness === 'macro_f1_exact');
    const ret = withFitness(EXP2_METHODS.openai_es_ce, 'return', undefined, 2);
    assert.ok(ret.kind === 'ne' && ret.name === 'openai_es_return_e2' && ret.episodes === 2);
    for (const s of specs) validateTrialSpec(JSON.parse(JSON.stringify(s)), 'test');
  });

  for (const name of ['cmaes_ce', 'openai_es_f1']) {
    it(`${name}: the same trial twice gives the same network, and it learns (test CE falls)`, () => {
      const s = spec(EXP2_METHODS[name], 60);
      const a = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, `${name}_a`)));
      const b = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, `${name}_b`)));
      assert.equal(a.paramsSha256, b.paramsSha256);
      assert.deepEqual(a.fitnessHistory, b.fitnessHistory);
      const m = new TrialDirectory(join(root, `${name}_a`)).metrics() as { testLoss?: number }[];
      assert.ok((m[m.length - 1].testLoss ?? Infinity) < (m[0].testLoss ?? 0), 'test CE fell');
    });

    it(`${name}: a crash mid-run resumes from the checkpoint bit-identical to an uninterrupted run`, () => {
      const s = spec(EXP2_METHODS[name], 130, `${name}_r`);
      const whole = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, `${name}_whole`)));
      const dir: TrialFolder = new TrialDirectory(join(root, `${name}_crash`));
      let calls = 0;
      assert.throws(
        () =>
          runTrial(s, trialData(s, ds), dir, {
            onProgress: () => {
              if (++calls === 2) throw new Error('simulated crash');
            },
          }),
        /simulated crash/,
      );
      const resumed = runTrial(s, trialData(s, ds), dir, { resume: true });
      assert.equal(resumed.paramsSha256, whole.paramsSha256);
      assert.deepEqual(resumed.fitnessHistory, whole.fitnessHistory);
    });
  }

  it('cmaes_f1: scoring candidates on the engine’s thread pool changes nothing (1 vs 2 threads)', () => {
    const s = spec(EXP2_METHODS.cmaes_f1, 40, 'cmaes_threads');
    const one = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, 'threads1')), { threads: 1 });
    const two = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, 'threads2')), { threads: 2 });
    assert.equal(two.paramsSha256, one.paramsSha256);
    assert.deepEqual(two.fitnessHistory, one.fitnessHistory);
  });

  it("'return' fitness scores candidates by CartPole episode return (integers from 8 to 500)", () => {
    const method = withFitness(EXP2_METHODS.ga_fixed_ce, 'return', undefined, 2);
    const s = spec(method, 4);
    const out = runTrial(s, trialData(s, ds), new TrialDirectory(join(root, 'return')));
    assert.equal(out.fitnessHistory?.length, 4);
    for (const f of out.fitnessHistory ?? []) assert.ok(f >= 8 && f <= 500 && Number.isInteger(f * 2), String(f));
  });
});

describe('fitness a gradient cannot follow, on the engine', () => {
  const model = expMlp(4, 2);
  const data = trialData(spec(EXP2_METHODS.sgd, 1), ds).train;
  const n = 256;
  const x = data.x.subarray(0, n * 4);
  const y = Int32Array.from(data.y).subarray(0, n);
  const params = new Float32Array(3 * 352);
  for (let a = 0; a < 3; a++) params.set(initParams(model, CounterRng.from(9, RngPurpose.init, a)), a * 352);
  const shard = (fitness: 'macro_f1' | 'macro_f1_exact' | 'accuracy', trials: number, generation: number) => ({
    spec: model,
    params,
    start: 0,
    end: 3,
    x,
    y,
    n,
    fitness,
    trials,
    seed: 1,
    generation,
  });

  it("'macro_f1_exact' is scikit-learn's macro-F1 of the argmax actions, on the WebAssembly and JavaScript kernels", () => {
    const wasm = evaluateShardInline(shard('macro_f1_exact', 1, 0));
    const js = evaluateShardJs(shard('macro_f1_exact', 1, 0));
    const logits = new Float32Array(n * 2);
    for (let a = 0; a < 3; a++) {
      forward(model, params.subarray(a * 352, (a + 1) * 352), x, n, logits, forwardScratch(model, n));
      const expected = macroF1(y, argmaxRows(logits, n, 2));
      assert.ok(Math.abs(wasm[a] - expected) < 1e-6, `agent ${a}: wasm ${wasm[a]} vs ${expected}`);
      assert.ok(Math.abs(js[a] - expected) < 1e-6, `agent ${a}: js ${js[a]} vs ${expected}`);
    }
  });

  it('sampled macro-F1 of the same networks varies from generation to generation; exact F1 and accuracy do not', () => {
    // The proposal: "optimizing F1 didn't quite work, might be both too uninformative and noisy (only 10 trials)".
    const spread = (fitness: 'macro_f1' | 'macro_f1_exact' | 'accuracy', trials: number): number => {
      const v = Array.from({ length: 40 }, (_, g) => evaluateShardInline(shard(fitness, trials, g))[0]);
      const mean = v.reduce((s, t) => s + t, 0) / v.length;
      return Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / v.length);
    };
    const ten = spread('macro_f1', 10);
    const hundred = spread('macro_f1', 100);
    assert.ok(ten > 0, 'sampled F1 is noisy');
    // Averaging 10× more trials shrinks the noise by about √10.
    assert.ok(hundred < ten / 2, `std with 100 trials ${hundred} vs 10 trials ${ten}`);
    assert.equal(spread('macro_f1_exact', 1), 0);
    assert.equal(spread('accuracy', 1), 0);
  });
});
