/**
 * Experiment 2 at the proposal's script's scale: absolute training sizes (`--sizes`, tested on the held-out 10%)
 * and the NE fitness batch as the proposal's text ('text', the SGD batch) or its code ('code',
 * min(100 × the SGD batch, training rows)) has it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXP2_DEFAULTS, planExp2, plannedExp2Flops } from '../../src/experiments/exp2.js';
import { experiment2SizedSplit, experiment2Split } from '../../src/shared/data/splits.js';
import { trialData } from '../../src/trials/data.js';
import { fitnessBatchRows } from '../../src/trials/methods.js';
import { forwardFlopsPerSample, trainFlopsPerSample } from '../../src/shared/model/flops.js';
import type { Dataset } from '../../src/shared/data/dataset.js';
import { repoRoot } from '../helpers/paths.js';

const PROPOSAL_SIZES = [100, 1000, 10_000, 100_000];

describe('exp2 --sizes: the split', () => {
  it('tests on the same held-out rows as the fractions and trains on nested prefixes of the shuffled order', () => {
    const byFraction = experiment2Split(5000, { seed: 3, testFraction: 0.1, trainFractions: [0.9] });
    const small = experiment2SizedSplit(5000, { seed: 3, testFraction: 0.1, size: 100 });
    const large = experiment2SizedSplit(5000, { seed: 3, testFraction: 0.1, size: 1000 });
    assert.deepEqual(small.test, byFraction.test);
    assert.deepEqual(large.train.subarray(0, 100), small.train);
    assert.deepEqual(large.train, byFraction.train[0].indices.subarray(0, 1000));
    const test = new Set(small.test);
    assert.ok(
      large.train.every((r) => !test.has(r)),
      'no training row is a test row',
    );
  });

  it('refuses a size larger than the training pool, naming the dataset size and the held-out rows', () => {
    assert.throws(
      () => experiment2SizedSplit(1000, { seed: 0, testFraction: 0.1, size: 901 }),
      /training size 901 must be an integer in 1\.\.900: the dataset has 1000 rows, 100 of them held out/,
    );
  });

  it("names the trial and its dataset when a file's rows are too few", () => {
    const [spec] = planExp2({
      ...EXP2_DEFAULTS,
      datasets: ['mine.jsonl'],
      envIds: { 'mine.jsonl': 'CartPole-v1' },
      sizes: [500],
      methods: ['sgd'],
    });
    const ds = {
      size: 200,
      obsDim: 4,
      observations: new Float32Array(800),
      actions: new Int32Array(200),
    } as unknown as Dataset;
    assert.throws(
      () => trialData(spec, ds),
      /trial mine_jsonl_n500_sgd_s0, dataset 'mine\.jsonl': training size 500 must be an integer in 1\.\.180: the dataset has 200 rows/,
    );
  });
});

describe('exp2 --sizes and --fitness-batch: the plan', () => {
  it("plans the proposal's grid: four sizes × nine methods, ids naming the size", () => {
    const specs = planExp2({ ...EXP2_DEFAULTS, sizes: PROPOSAL_SIZES });
    assert.equal(specs.length, 36);
    assert.deepEqual(
      [...new Set(specs.map((s) => s.trainSet.size))],
      PROPOSAL_SIZES,
      'every trial trains on one of the sizes',
    );
    assert.ok(specs.every((s) => s.trainSet.fraction === undefined));
    assert.ok(specs.some((s) => s.id === 'cartpole_n10000_ga_adaptive_ce_s0'));
  });

  it("refuses sizes beyond a built-in dataset's training pool before any trial starts", () => {
    assert.throws(
      () => planExp2({ ...EXP2_DEFAULTS, sizes: [100, 450_001] }),
      /--sizes: 450001 is larger than the training pool of dataset 'cartpole': 500000 rows, 50000 held out for testing, leaves 450000/,
    );
    assert.equal(planExp2({ ...EXP2_DEFAULTS, sizes: [450_000], methods: ['sgd'] }).length, 1);
  });

  it("'text' is today's default: the same trial specs bit for bit", () => {
    assert.deepEqual(planExp2({ ...EXP2_DEFAULTS, fitnessBatch: 'text' }), planExp2(EXP2_DEFAULTS));
    assert.ok(
      planExp2(EXP2_DEFAULTS).every(
        (s) => (s.method.kind === 'ne' && s.method.batchSize === 32) || s.method.kind === 'sgd',
      ),
      'the text: mini-batches of the same size as DL methods',
    );
  });

  it("'code' scores NE on min(100 × 32, training rows) rows per generation and leaves SGD alone", () => {
    const specs = planExp2({ ...EXP2_DEFAULTS, sizes: PROPOSAL_SIZES, fitnessBatch: 'code' });
    for (const s of specs) {
      const expected = s.method.kind === 'sgd' ? 32 : Math.min(3200, s.trainSet.size as number);
      assert.ok(s.method.kind !== 'hybrid', s.id);
      assert.equal(s.method.batchSize, expected, s.id);
    }
    assert.ok(specs.some((s) => s.id === 'cartpole_n100_ga_fixed_f1_fb100_s0'));
    assert.ok(specs.some((s) => s.id === 'cartpole_n100000_es_adaptive_ce_fb3200_s0'));
    assert.ok(
      specs.some((s) => s.id === 'cartpole_n100_sgd_s0'),
      "SGD's id does not change",
    );
    assert.equal(fitnessBatchRows('code', 32), 3200, 'with fractions the sampler caps it at the training set');
    assert.equal(fitnessBatchRows(500, 32, 100), 100);
  });

  it('counts the fitness batch in the planned FLOPs: 100× the rows, 100× the NE compute', () => {
    const cfg = { ...EXP2_DEFAULTS, sizes: [100_000], methods: ['sgd', 'ga_fixed_ce'], neGenerations: 10 };
    const text = planExp2(cfg);
    const code = planExp2({ ...cfg, fitnessBatch: 'code' });
    const model = text[0].model;
    assert.equal(plannedExp2Flops(text[0]), cfg.sgdSteps * 32 * trainFlopsPerSample(model));
    assert.equal(plannedExp2Flops(text[1]), 10 * 50 * 32 * forwardFlopsPerSample(model));
    assert.equal(plannedExp2Flops(code[1]), 10 * 50 * 3200 * forwardFlopsPerSample(model));
    // 1000 rows in batches of 300: an epoch is 300 + 300 + 300 + 100 rows.
    const odd = planExp2({ ...cfg, sizes: [1000], methods: ['ga_fixed_ce'], fitnessBatch: 300, neGenerations: 5 });
    assert.equal(plannedExp2Flops(odd[0]), 50 * (1000 + 300) * forwardFlopsPerSample(model));
  });

  it('the CLI takes --sizes and --fitness-batch for exp2 and prints them in --plan', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
        'run',
        'exp2',
        '--sizes',
        '100,1000,10000,100000',
        '--fitness-batch',
        'code',
        '--methods',
        'sgd,ga_adaptive_ce',
        '--plan',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { trials: { id: string; size: number; fitnessBatch?: number }[] };
    assert.deepEqual(
      plan.trials.map((t) => [t.size, t.fitnessBatch ?? null]),
      [
        [100, null],
        [100, 100],
        [1000, null],
        [1000, 1000],
        [10000, null],
        [10000, 3200],
        [100000, null],
        [100000, 3200],
      ],
    );
  });
});
