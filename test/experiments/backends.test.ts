/**
 * `--backend tfjs` end to end: experiments train on the pure @tensorflow/tfjs package (SGD steps on the
 * TensorFlow.js trainer, NE fitness on the TensorFlow.js engine), name the backend that really ran, and land
 * within a stated tolerance of the CPU kernels (float32 arithmetic in another order is not bit-identical).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { expMlp } from '../../src/shared/model/mlp.js';
import { trialData } from '../../src/trials/data.js';
import { createProgress } from '../../src/experiments/progress.js';
import { EXP1_DEFAULTS, runExp1 } from '../../src/experiments/exp1.js';
import { EXP2_DEFAULTS, runExp2 } from '../../src/experiments/exp2.js';
import { EXP3_DEFAULTS } from '../../src/experiments/exp3/config.js';
import { runExp3 } from '../../src/experiments/exp3/run.js';
import { exp3ConfigFromFlags } from '../../src/cli/commands/exp3.js';
import { EXP2_METHODS } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import {
  loadTrialBackend,
  runTrial,
  type TrialFolder,
  type TrialSpec,
  type TrialSummary,
} from '../../src/trials/trial.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-backends-'));
process.env.EVOSCALE_CACHE = join(root, 'cache');
after(() => rmSync(root, { recursive: true, force: true }));

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const quiet = createProgress(1, { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
const installed = async (name: string): Promise<boolean> =>
  import(name).then(
    () => true,
    () => false,
  );

/**
 * The tolerance between a tfjs trial and the same trial on the CPU kernels, for final test metrics. SGD:
 * TensorFlow.js and the hand-written trainer agree per step to ~1e-6 (see tfjs_trainer.test.ts), so after a few
 * hundred steps test loss moves by < 1e-3 and action match by at most a few test rows. NE: fitness agrees to
 * 1e-5 (engine.test.ts), which keeps selection identical unless two agents tie that closely; then the
 * trajectories part, so NE is bounded more loosely.
 */
const TOLERANCE = {
  sgd: { testLoss: 1e-3, testActionMatch: 0.01 },
  ne: { testLoss: 0.05, testActionMatch: 0.05 },
};

function compare(
  cpu: readonly TrialSummary[],
  tfjs: readonly TrialSummary[],
  kind: (s: TrialSummary) => 'sgd' | 'ne',
): void {
  assert.equal(tfjs.length, cpu.length);
  cpu.forEach((c, i) => {
    const t = tfjs[i];
    assert.equal(t.id, c.id);
    const tol = TOLERANCE[kind(c)];
    const dLoss = Math.abs(t.final.testLoss - c.final.testLoss);
    const dMatch = Math.abs(t.final.testActionMatch - c.final.testActionMatch);
    process.stdout.write(
      `# ${c.id}: |Δ test loss| ${dLoss.toExponential(2)}, |Δ action match| ${dMatch.toFixed(4)} (cpu vs tfjs)\n`,
    );
    assert.ok(dLoss <= tol.testLoss, `${c.id}: test loss ${c.final.testLoss} (cpu) vs ${t.final.testLoss} (tfjs)`);
    assert.ok(
      dMatch <= tol.testActionMatch,
      `${c.id}: action match ${c.final.testActionMatch} (cpu) vs ${t.final.testActionMatch} (tfjs)`,
    );
  });
}

const configOf = (dir: string, id: string): TrialSpec =>
  JSON.parse(readFileSync(join(dir, 'trials', id, 'config.json'), 'utf8')) as TrialSpec;

describe('experiments on --backend tfjs (pure TensorFlow.js)', () => {
  it('exp1: DL and GA train on TensorFlow.js, the report names tfjs:cpu, and results match the CPU kernels within tolerance', async () => {
    const cfg = {
      ...EXP1_DEFAULTS,
      sizes: [300],
      seeds: [0],
      testSize: 500,
      epochs: 3,
      generations: 5,
      evalEpisodes: 0,
      datasetSteps: 3000,
    };
    const run = (backend: 'cpu' | 'tfjs') =>
      runExp1(
        { ...cfg, backend },
        { out: join(root, `e1_${backend}`), resume: false, workers: 0, progress: quiet, command: 'test' },
      );
    const cpu = await run('cpu');
    const tfjs = await run('tfjs');
    assert.deepEqual(
      tfjs.summaries.map((s) => s.backend),
      ['tfjs:cpu', 'tfjs:cpu'],
    );
    assert.deepEqual(
      cpu.summaries.map((s) => s.backend),
      ['cpu', 'cpu'],
    );
    assert.match(readFileSync(join(tfjs.dir, 'report.md'), 'utf8'), /backend: tfjs:cpu;/);
    assert.match(readFileSync(join(cpu.dir, 'report.md'), 'utf8'), /backend: cpu;/);
    assert.equal(configOf(tfjs.dir, 'n300_dl_adam_s0').backend, 'tfjs');
    assert.equal(configOf(cpu.dir, 'n300_dl_adam_s0').backend, undefined, 'default trial configs are unchanged');
    compare(cpu.summaries, tfjs.summaries, (s) => (s.method === 'dl_adam' ? 'sgd' : 'ne'));
  });

  it('exp2: SGD and mini-batch GA/ES train on TensorFlow.js and match the CPU kernels within tolerance', async () => {
    const cfg = {
      ...EXP2_DEFAULTS,
      fractions: [0.5],
      methods: ['sgd', 'ga_adaptive_ce', 'es_fixed_f1'],
      sgdSteps: 300,
      neGenerations: 30,
      evalPoints: 3,
      datasetSteps: 3000,
    };
    const run = (backend: 'cpu' | 'tfjs') =>
      runExp2(
        { ...cfg, backend },
        { out: join(root, `e2_${backend}`), resume: false, workers: 0, progress: quiet, command: 'test' },
      );
    const cpu = await run('cpu');
    const tfjs = await run('tfjs');
    assert.ok(tfjs.summaries.every((s) => s.backend === 'tfjs:cpu'));
    assert.match(readFileSync(join(tfjs.dir, 'report.md'), 'utf8'), /backend: tfjs:cpu;/);
    compare(cpu.summaries, tfjs.summaries, (s) => (s.method === 'sgd' ? 'sgd' : 'ne'));
  });
});

describe('experiment 3 on --backend tfjs', () => {
  it('takes --backend from the flags and refuses an unknown one', () => {
    assert.equal(exp3ConfigFromFlags({ backend: 'tfjs' }).backend, 'tfjs');
    assert.equal(exp3ConfigFromFlags({}).backend, 'cpu');
    assert.throws(() => exp3ConfigFromFlags({ backend: 'cuda' }), /--backend: backend must be one of/);
  });

  it('trains every model on TensorFlow.js and its report names the backend that ran', async () => {
    const { dir, pairs } = await runExp3(
      {
        ...EXP3_DEFAULTS,
        envs: ['CartPole-v1'],
        sgdSteps: 200,
        neGenerations: 10,
        evalPoints: 2,
        synthetic: { participants: 1, days: 2, sessionsPerDay: 3, seed: 1 },
        backend: 'tfjs',
      },
      { out: join(root, 'e3'), resume: false, progress: quiet, command: 'test' },
    );
    assert.deepEqual(
      pairs[0].models.map((m) => m.backend),
      ['tfjs:cpu', 'tfjs:cpu', 'tfjs:cpu', 'tfjs:cpu'],
    );
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /backend: tfjs:cpu;/);
  });
});

describe('a trial on TensorFlow.js', () => {
  const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 3000, seed: 3 });
  const spec = (method: string, steps: number): TrialSpec => ({
    experiment: 'exp2',
    id: `tf_${method}`,
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 1, testFraction: 0.1 },
    method: EXP2_METHODS[method],
    model: expMlp(4, 2),
    seed: 5,
    budget: { steps },
    evalPoints: 8,
    evalEpisodes: 0,
    checkpointEvery: 1,
    backend: 'tfjs',
  });

  for (const method of ['sgd', 'ga_adaptive_ce']) {
    it(`${method}: resumes from its checkpoint and ends identical to an uninterrupted tfjs run`, async () => {
      const s = spec(method, method === 'sgd' ? 160 : 64);
      const backend = await loadTrialBackend(s);
      const wholeDir: TrialFolder = new TrialDirectory(join(root, `w_${method}`));
      const whole = runTrial(s, trialData(s, ds), wholeDir, { backend });
      const dir: TrialFolder = new TrialDirectory(join(root, `c_${method}`));
      assert.throws(
        () =>
          runTrial(s, trialData(s, ds), dir, {
            backend,
            onProgress: () => {
              throw new Error('simulated crash');
            },
          }),
        /simulated crash/,
      );
      const resumed = runTrial(s, trialData(s, ds), dir, { backend, resume: true });
      assert.equal(resumed.backend, 'tfjs:cpu');
      assert.equal(resumed.paramsSha256, whole.paramsSha256);
    });
  }

  it('refuses to run when the backend its spec names was not loaded, saying how to load it', () => {
    const s = spec('sgd', 10);
    assert.throws(
      () => runTrial(s, trialData(s, ds), new TrialDirectory(join(root, 'unloaded'))),
      /asks for backend 'tfjs': load it with loadTrialBackend/,
    );
  });
});

describe('evoscale run --backend', () => {
  it('refuses a backend that is not installed, with the command that installs it, before any trial runs', async (t) => {
    if (await installed('@tensorflow/tfjs-node')) return t.skip('@tensorflow/tfjs-node is installed here');
    const out = join(root, 'refused');
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        'exp2',
        '--backend',
        'tfjs-node',
        '--out',
        out,
        '--methods',
        'sgd',
        '--sgd-steps',
        '10',
        '--workers',
        '0',
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /backend 'tfjs-node' is not available/);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs-node/);
  });

  it('names the accepted backends when given an unknown one', () => {
    const r = spawnSync(process.execPath, [cli, 'run', 'exp1', '--backend', 'gpu', '--plan'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--backend: backend must be one of auto, cpu, tfjs, tfjs-node, tfjs-node-gpu; got "gpu"/);
  });
});
