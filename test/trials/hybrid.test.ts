import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { expMlp } from '../../src/shared/model/mlp.js';
import { trialData } from '../../src/trials/data.js';
import { EXP2_METHODS, HYBRID_METHODS, splitHybridBudget, type Method } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { runTrial, type TrialFolder, type TrialSpec } from '../../src/trials/trial.js';
import { validateTrialSpec } from '../../src/shared/protocol/trial_spec.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-hybrid-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 4000, seed: 3 });

function spec(id: string, method: Method, steps: number, evalPoints = 8): TrialSpec {
  return {
    experiment: 'exp2',
    id,
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 1, testFraction: 0.1 },
    method,
    model: expMlp(4, 2),
    seed: 5,
    budget: { steps },
    evalPoints,
    evalEpisodes: 0,
    checkpointEvery: 1,
  };
}

/** A hybrid with `dlSteps` SGD steps then `generations` generations. */
function hybrid(name: string, dlSteps: number, generations: number): { method: Method; steps: number } {
  const h = HYBRID_METHODS[name];
  const share = dlSteps / (dlSteps + generations);
  const split = splitHybridBudget(h, share, dlSteps + generations, dlSteps + generations);
  assert.equal(split.method.kind === 'hybrid' && split.method.dlSteps, dlSteps);
  return split;
}

const run = (s: TrialSpec, dir: string) => runTrial(s, trialData(s, ds), new TrialDirectory(join(root, dir)));

describe('hybrid methods', () => {
  it('a hybrid trial spec passes the wire schema (it travels to cluster workers as it is)', () => {
    const { method, steps } = hybrid('hybrid_smg_f1', 100, 50);
    assert.doesNotThrow(() => validateTrialSpec(JSON.parse(JSON.stringify(spec('w', method, steps))), 'test'));
  });

  for (const name of ['hybrid_warm_ce', 'hybrid_feature_ce', 'hybrid_smg_f1']) {
    it(`${name} is a pure function of spec and data`, () => {
      const { method, steps } = hybrid(name, 150, 60);
      const a = run(spec(`d1_${name}`, method, steps), `d1_${name}`);
      const b = run(spec(`d2_${name}`, method, steps), `d2_${name}`);
      assert.equal(a.paramsSha256, b.paramsSha256);
      assert.deepEqual(a.fitnessHistory, b.fitnessHistory);
      assert.equal(a.fitnessHistory?.length, 60, 'one fitness value per generation of the evolution phase');
    });

    for (const dlSteps of [100, 200]) {
      const phase = dlSteps < 128 ? 'evolution' : 'DL';
      it(`${name}: a crash in the ${phase} phase resumes bit-identical to an uninterrupted run`, () => {
        const { method, steps } = hybrid(name, dlSteps, 100);
        const s = spec(`r_${name}_${dlSteps}`, method, steps);
        const whole = run(s, `rw_${name}_${dlSteps}`);
        const dir: TrialFolder = new TrialDirectory(join(root, `rc_${name}_${dlSteps}`));
        let calls = 0;
        assert.throws(
          () =>
            runTrial(s, trialData(s, ds), dir, {
              onProgress: () => {
                if (++calls === 2) throw new Error('simulated crash'); // at step 128
              },
            }),
          /simulated crash/,
        );
        assert.equal(dir.isComplete(), false);
        const resumed = runTrial(s, trialData(s, ds), dir, { resume: true });
        assert.equal(resumed.paramsSha256, whole.paramsSha256);
        assert.deepEqual(resumed.fitnessHistory, whole.fitnessHistory);
        assert.equal(resumed.flops, whole.flops);
        const untimed = (d: TrialFolder) => d.metrics().map(({ wallSeconds: _, ...r }) => r);
        assert.deepEqual(untimed(dir), untimed(new TrialDirectory(join(root, `rw_${name}_${dlSteps}`))));
      });
    }
  }

  for (const name of ['hybrid_warm_ce', 'hybrid_feature_ce', 'hybrid_smg_ce']) {
    it(`${name} starts evolving at the DL network: after one generation it is as good as SGD's final model, up to noise`, () => {
      const dlSteps = 600;
      const sgd: Method = { kind: 'sgd', name: 'adam', ...HYBRID_METHODS[name].dl };
      const dl = run(spec(`sgd_${name}`, sgd, dlSteps, 4), `sgd_${name}`);
      const { method, steps } = hybrid(name, dlSteps, 1);
      const h = run(spec(`h1_${name}`, method, steps, 4), `h1_${name}`);
      const ga = run(spec(`ga1_${name}`, EXP2_METHODS.ga_fixed_ce, 1, 1), `ga1_${name}`);
      assert.ok(
        h.final.testLoss <= dl.final.testLoss + 0.02,
        `hybrid CE ${h.final.testLoss} after one generation vs SGD's ${dl.final.testLoss}`,
      );
      assert.ok(h.final.testLoss < ga.final.testLoss - 0.05, `a GA from scratch is far behind (${ga.final.testLoss})`);
      // Both phases' FLOPs are counted: SGD's steps plus one generation's forward passes (and any extras).
      assert.ok(h.flops > dl.flops, `hybrid FLOPs ${h.flops} include the DL phase's ${dl.flops}`);
    });
  }
});
