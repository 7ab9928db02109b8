/**
 * The NE fitness batch and the DL share as settings of every experiment that runs hybrids (issue #17 items 1 and 5,
 * issue #13): `--fitness-batch` reaches the evolution phase of every hybrid (exp2, sweeps, `run hybrid`, `run
 * scaling`) and scaling's GA/ES, `--dl-share` reaches scaling's hybrids, both are counted in FLOPs and samples,
 * recorded, and checked; the defaults plan (and so train) exactly what they did before.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { EXP2_DEFAULTS, planExp2, plannedExp2Flops } from '../../src/experiments/exp2.js';
import { HYBRID_DEFAULTS, planHybrid } from '../../src/experiments/hybrid.js';
import { planScaling } from '../../src/experiments/scaling/plan.js';
import { protocolDepartures } from '../../src/experiments/scaling/report.js';
import { checkTrialSpec } from '../../src/cluster/worker/trial_runner.js';
import { scalingPreset } from '../../src/experiments/scaling/presets.js';
import { planSweep, validateSweepFile } from '../../src/experiments/sweep_plan.js';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { trialData } from '../../src/trials/data.js';
import { parseFitnessBatch } from '../../src/trials/methods.js';
import { trainFlopsPerSample } from '../../src/shared/model/flops.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { runTrial, type MetricRecord, type TrialSpec, type TrialSummary } from '../../src/trials/trial.js';
import type { ScalingConfig } from '../../src/shared/config/scaling.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-knobs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const evoscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });

/** Rows `steps` batches of `batch` visit on `n` rows (epochs of shuffled batches, the last one short). */
function rowsVisited(steps: number, batch: number, n: number): number {
  const b = Math.min(batch, n);
  const perEpoch = Math.ceil(n / b);
  return Math.floor(steps / perEpoch) * n + Math.min((steps % perEpoch) * b, n);
}

const HYBRIDS = ['hybrid_warm_ce', 'hybrid_feature_ce', 'hybrid_smg_f1'];

describe('--fitness-batch reaches the evolution phase of every hybrid', () => {
  it("exp2: every hybrid's evolution phase scores min(3200, rows) rows under 'code', its DL phase keeps 32", () => {
    const specs = planExp2({ ...EXP2_DEFAULTS, sizes: [1000], methods: ['sgd', ...HYBRIDS], fitnessBatch: 'code' });
    for (const s of specs) {
      if (s.method.kind !== 'hybrid') continue;
      assert.equal(s.method.ne.batchSize, 1000, s.id);
      assert.equal(s.method.dl.batchSize, 32, s.id);
      assert.match(s.id, /_fb1000_s0$/, 'a batch other than the default names its rows in the id');
    }
    assert.equal(specs.filter((s) => s.method.kind === 'hybrid').length, HYBRIDS.length);
  });

  it('sweeps pass settings.exp2.fitnessBatch to the hybrids they name', () => {
    const file = validateSweepFile(
      { grid: { experiment: 'exp2', method: ['hybrid_warm_ce'], seed: 0 }, settings: { exp2: { fitnessBatch: 200 } } },
      'sweep.json',
    );
    const [t] = planSweep(file, 'sweep.json').trials.filter((x) => x.spec.method.kind === 'hybrid');
    assert.ok(t.spec.method.kind === 'hybrid');
    assert.equal(t.spec.method.ne.batchSize, 200);
  });

  it('a hybrid trial scores its evolution phase on that batch: samples and FLOPs are what the plan counts', () => {
    const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 1 });
    // 3 generations of 300 rows stay inside one epoch of the 1 000 rows, so the batch is never cut short.
    const cfg = { ...EXP2_DEFAULTS, sizes: [1000], sgdSteps: 40, neGenerations: 6, evalPoints: 2 };
    const run = (fitnessBatch: 'text' | number): { spec: TrialSpec; s: TrialSummary } => {
      const [spec] = planExp2({ ...cfg, methods: ['hybrid_warm_ce'], fitnessBatch });
      const s = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, `exp2_${spec.id}`)));
      return { spec, s };
    };
    const text = run('text');
    const big = run(300);
    for (const { spec, s } of [text, big]) {
      const m = spec.method;
      assert.ok(m.kind === 'hybrid');
      const generations = (spec.budget.steps ?? 0) - m.dlSteps;
      const rows = rowsVisited(m.dlSteps, 32, 1000) + 50 * rowsVisited(generations, m.ne.batchSize as number, 1000);
      assert.equal(s.samplesSeen, rows, `${spec.id}: samples seen`);
      const planned = plannedExp2Flops(spec) ?? NaN;
      assert.ok(Math.abs(s.flops / planned - 1) < 1e-9, `${spec.id}: ${s.flops} FLOPs vs ${planned} planned`);
      const config = JSON.parse(readFileSync(join(root, `exp2_${spec.id}`, 'config.json'), 'utf8')) as TrialSpec;
      assert.deepEqual(config.method, m, 'the trial config records the batch');
    }
    // Same generations, 300 rows instead of 32 in each: the evolution phase's samples grow by that ratio.
    const neSamples = (x: typeof text) => x.s.samplesSeen - rowsVisited(40 / 2, 32, 1000);
    assert.equal(neSamples(big) / neSamples(text), 300 / 32);
  });

  it('run hybrid: the GA alone and every hybrid get the batch, capped at each training size, on equal FLOPs', () => {
    // 0.1% of the built-in 500 000 rows is 500 training rows: 'code' scores all of them.
    const base = { ...HYBRID_DEFAULTS, fractions: [0.001], seeds: [0] };
    const text = planHybrid(base);
    const code = planHybrid({ ...base, fitnessBatch: 'code' });
    const total = code.find((p) => p.role === 'dl_total')?.plannedFlops;
    for (const p of code) {
      const m = p.spec.method;
      if (m.kind === 'hybrid') assert.equal(m.ne.batchSize, 500, p.spec.id);
      if (m.kind === 'ne') assert.equal(m.batchSize, 500, p.spec.id);
      if (m.kind === 'sgd') assert.equal(m.batchSize, 32, p.spec.id);
      if (p.role !== 'dl_switch') assert.equal(p.plannedFlops, total, p.spec.id);
    }
    const gens = (plan: typeof code, role: string) =>
      (plan.find((p) => p.role === role)?.spec.budget.steps ?? 0) - (role === 'hybrid' ? base.dlSteps : 0);
    // 500 rows per generation instead of 32: the same extra FLOPs buy 32/500 of the generations.
    for (const role of ['hybrid', 'ga_total'])
      assert.ok(Math.abs(gens(code, role) / gens(text, role) - 32 / 500) < 0.01, role);
    assert.ok(code.some((p) => p.spec.id === 'cartpole_0p1pct_hybrid_warm_ce_fb500_s0'));
  });

  it('run hybrid --fitness-batch code: the report names the batch, aggregate.json and the trial configs record it', () => {
    const out = join(root, 'hybrid');
    const r = evoscale(
      'run',
      'hybrid',
      '--out',
      out,
      '--fractions',
      '0.01',
      '--seeds',
      '0',
      '--methods',
      'hybrid_warm_ce',
      '--dl-steps',
      '50',
      '--dataset-steps',
      '20000',
      '--fitness-batch',
      'code',
      '--threads',
      '0',
    );
    assert.equal(r.status, 0, r.stderr);
    const dir = join(out, 'hybrid');
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.match(report, /fitness batches of min\(3200, training rows\) per generation \('code'/);
    const agg = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8')) as {
      rows: { method: string; fitnessBatch?: number }[];
    };
    // 1% of 20 000 rows: 200 training rows, all of them scored.
    assert.equal(agg.rows.find((x) => x.method === 'hybrid_warm_ce')?.fitnessBatch, 200);
    assert.equal(agg.rows.find((x) => x.method === 'ga_total')?.fitnessBatch, 200);
    assert.equal(agg.rows.find((x) => x.method === 'dl_total')?.fitnessBatch, undefined);
    const config = JSON.parse(
      readFileSync(join(dir, 'trials', 'cartpole_1pct_hybrid_warm_ce_fb200_s0', 'config.json'), 'utf8'),
    ) as TrialSpec;
    assert.ok(config.method.kind === 'hybrid' && config.method.ne.batchSize === 200);
  });
});

function small(extra: Partial<ScalingConfig> = {}): ScalingConfig {
  return {
    ...scalingPreset('laptop'),
    methods: ['adam', 'ga_adaptive_ce', 'hybrid_warm_ce', 'hybrid_smg_ce'],
    sizes: [100, 1000, 10000],
    widths: [4, 16],
    seeds: [0],
    trialFlops: 1e8,
    episodes: 0,
    ...extra,
  };
}

describe('run scaling: --fitness-batch and --dl-share', () => {
  it("scores GA/ES and every hybrid's evolution phase on min(3200, size) rows under 'code', within one step of the budget", () => {
    for (const p of planScaling(small({ fitnessBatch: 'code' }))) {
      const m = p.spec.method;
      const batch = m.kind === 'hybrid' ? m.ne.batchSize : m.batchSize;
      assert.equal(batch, m.kind === 'sgd' ? 32 : Math.min(3200, p.size), p.spec.id);
      if (m.kind === 'ne') {
        const perStep = p.plannedFlops / (p.spec.budget.steps ?? 0);
        assert.ok(Math.abs(p.plannedFlops - 1e8) <= perStep / 2, `${p.spec.id}: ${p.plannedFlops}`);
      }
    }
  });

  it('a GA trial on that batch spends the FLOPs the plan gave it, 1 000 rows a generation', () => {
    const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 1 });
    const [p] = planScaling(
      small({
        fitnessBatch: 'code',
        methods: ['ga_adaptive_ce'],
        sizes: [1000],
        widths: [4],
        trialFlops: 2e6,
        testSize: 500,
      }),
    );
    const s = runTrial(p.spec, trialData(p.spec, ds), new TrialDirectory(join(root, `scaling_${p.spec.id}`)));
    assert.equal(s.samplesSeen, 50 * 1000 * s.steps, 'every agent scores the whole 1 000-row batch each generation');
    assert.ok(Math.abs(s.flops / p.plannedFlops - 1) < 1e-9, `${s.flops} vs ${p.plannedFlops}`);
  });

  it("gives every hybrid of the grid the DL share, its DL phase that share of the trial's FLOPs", () => {
    const plan = planScaling(small({ dlShare: 0.25 }));
    const hybrids = plan.filter((p) => p.spec.method.kind === 'hybrid');
    assert.equal(hybrids.length, 2 * 3 * 2);
    for (const p of hybrids) {
      const m = p.spec.method;
      assert.ok(m.kind === 'hybrid' && m.dlShare === 0.25);
      assert.match(p.spec.id, /_dl25_s0$/);
      // The DL phase's steps of 32 rows (an epoch's last batch shorter), against the whole trial.
      const meanBatch = p.size / Math.ceil(p.size / 32);
      const dlFlops = m.dlSteps * trainFlopsPerSample(p.spec.model) * meanBatch;
      assert.ok(Math.abs(dlFlops / p.plannedFlops - 0.25) < 0.01, `${p.spec.id}: ${dlFlops / p.plannedFlops}`);
    }
  });

  it('plans trial specs a cluster worker takes as they are', () => {
    const specs = [
      ...planScaling(small({ fitnessBatch: 'code', dlShare: 0.3 })).map((p) => p.spec),
      ...planHybrid({ ...HYBRID_DEFAULTS, fitnessBatch: 'code', seeds: [0] }).map((p) => p.spec),
    ];
    for (const spec of specs) {
      const wire = JSON.parse(JSON.stringify(spec)) as Parameters<typeof checkTrialSpec>[0];
      assert.doesNotThrow(() => checkTrialSpec(wire, spec.id), spec.id);
    }
  });

  it("the report's protocol departures state the fitness batch, before any finding", () => {
    const cfg = small({ fitnessBatch: 'code', dlShare: 0.3 });
    const departures = protocolDepartures(cfg, 'laptop').join('\n');
    assert.match(departures, /every hybrid's evolution phase\) is scored on min\(3200, training rows\)/);
    assert.match(protocolDepartures(small(), 'laptop').join('\n'), /mini-batches of the methods' batch size \(32\)/);
  });

  it('plans the defaults exactly as before: no setting, the text batch and the 0.5 share are one plan', () => {
    const plain = planScaling(small());
    assert.deepEqual(planScaling(small({ fitnessBatch: 'text', dlShare: 0.5 })), plain);
    assert.ok(plain.every((p) => !/_fb|_dl/.test(p.spec.id)));
    assert.deepEqual(planHybrid({ ...HYBRID_DEFAULTS, fitnessBatch: 'text' }), planHybrid(HYBRID_DEFAULTS));
    const exp2 = { ...EXP2_DEFAULTS, methods: ['sgd', 'ga_fixed_ce', ...HYBRIDS] };
    assert.deepEqual(planExp2({ ...exp2, fitnessBatch: 'text' }), planExp2(exp2));
  });

  it('--plan prints each trial with its fitness batch and DL share, and the config with both', () => {
    const r = evoscale(
      'run',
      'scaling',
      '--plan',
      '--sizes',
      '100,10000',
      '--widths',
      '4',
      '--seeds',
      '0',
      '--methods',
      'adam,ga_adaptive_ce,hybrid_warm_ce',
      '--fitness-batch',
      'code',
      '--dl-share',
      '0.3',
    );
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as {
      config: ScalingConfig;
      trials: { method: string; trainSize: number; fitnessBatch?: number; dlShare?: number }[];
    };
    assert.equal(plan.config.fitnessBatch, 'code');
    assert.equal(plan.config.dlShare, 0.3);
    assert.deepEqual(
      plan.trials.map((t) => [t.method, t.trainSize, t.fitnessBatch ?? null, t.dlShare ?? null]),
      [
        ['adam', 100, null, null],
        ['ga_adaptive_ce', 100, 100, null],
        ['hybrid_warm_ce', 100, 100, 0.3],
        ['adam', 10000, null, null],
        ['ga_adaptive_ce', 10000, 3200, null],
        ['hybrid_warm_ce', 10000, 3200, 0.3],
      ],
    );
  });

  it('takes both from a --config file, and EVOSCALE_FITNESS_BATCH / EVOSCALE_DL_SHARE like every flag', () => {
    const file = join(root, 'knobs.json');
    writeFileSync(file, JSON.stringify({ fitnessBatch: 500, dlShare: 0.2, methods: ['hybrid_warm_ce'], seeds: [0] }));
    const fromFile = evoscale('run', 'scaling', '--plan', '--config', file);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    const a = JSON.parse(fromFile.stdout) as { trials: { trainSize: number; fitnessBatch: number; dlShare: number }[] };
    assert.ok(a.trials.every((t) => t.fitnessBatch === Math.min(500, t.trainSize) && t.dlShare === 0.2));
    const fromEnv = spawnSync(process.execPath, [cli, 'run', 'scaling', '--plan', '--methods', 'ga_adaptive_ce'], {
      encoding: 'utf8',
      env: { ...process.env, EVOSCALE_FITNESS_BATCH: '64', EVOSCALE_DL_SHARE: '0.4' },
    });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    const b = JSON.parse(fromEnv.stdout) as { config: ScalingConfig; trials: { fitnessBatch: number }[] };
    assert.equal(b.config.dlShare, 0.4);
    assert.ok(b.trials.every((t) => t.fitnessBatch === 64));
  });
});

describe('invalid fitness batches and DL shares are refused with what to give instead', () => {
  it('parseFitnessBatch takes text, code or a whole number of rows', () => {
    assert.equal(parseFitnessBatch('text'), 'text');
    assert.equal(parseFitnessBatch(' code '), 'code');
    assert.equal(parseFitnessBatch('3200'), 3200);
    for (const bad of ['0', '-5', '2.5', 'lots', '', '1e3', '99999999999'])
      assert.throws(
        () => parseFitnessBatch(bad),
        /--fitness-batch must be 'text' .*'code' .*whole number of rows/,
        bad,
      );
  });

  for (const experiment of ['hybrid', 'scaling', 'exp2']) {
    it(`run ${experiment} refuses --fitness-batch 0`, () => {
      const r = evoscale('run', experiment, '--plan', '--fitness-batch', '0');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /--fitness-batch must be 'text'.*got '0'/);
    });
  }

  it('run scaling refuses a DL share outside (0, 1), from the flag or the file', () => {
    const r = evoscale('run', 'scaling', '--plan', '--dl-share', '1');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--dl-share must be a number in \(0, 1\), e\.g\. 0\.5; got '1'/);
    const file = join(root, 'share.json');
    writeFileSync(file, JSON.stringify({ dlShare: 0, fitnessBatch: 'half' }));
    const f = evoscale('run', 'scaling', '--plan', '--config', file);
    assert.equal(f.status, 1);
    assert.match(f.stderr, /share\.json/);
    assert.match(f.stderr, /dlShare/);
    assert.match(f.stderr, /fitnessBatch/);
  });

  it('exp1 still refuses both (its GA scores the whole training set)', () => {
    const r = evoscale('run', 'exp1', '--plan', '--fitness-batch', 'code', '--dl-share', '0.3');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--fitness-batch, --dl-share do not apply to exp1/);
  });
});

describe('run scaling --budget-seconds', () => {
  it('runs a tiny grid on wall-clock budgets: compute curves with FLOPs, a report that says so, no IsoFLOP', () => {
    const out = join(root, 'seconds');
    const r = evoscale(
      'run',
      'scaling',
      '--out',
      out,
      '--budget-seconds',
      '0.3',
      '--sizes',
      '100,300,1000',
      '--widths',
      '4,8',
      '--seeds',
      '0,1',
      '--methods',
      'adam,ga_adaptive_ce',
      '--episodes',
      '1',
      '--threads',
      '1',
    );
    assert.equal(r.status, 0, r.stderr);
    const dir = join(out, 'scaling');
    const experiment = JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')) as {
      config: ScalingConfig;
      trials: string[];
    };
    assert.equal(experiment.config.budgetSeconds, 0.3);
    assert.equal(experiment.trials.length, 2 * 3 * 2 * 2);
    const points = experiment.config.evalPoints;
    for (const id of experiment.trials) {
      const t = new TrialDirectory<MetricRecord, TrialSummary, TrialSpec>(join(dir, 'trials', id));
      const s = t.summary();
      assert.ok(s, id);
      assert.equal(s.budgetMode, 'seconds', id);
      assert.deepEqual(t.config()?.budget, { seconds: 0.3 }, id);
      assert.ok(s.wallSeconds >= 0.3, `${id}: trained ${s.wallSeconds} s`);
      assert.ok(s.flops > 0 && s.steps > 0, id);
      // The untrained network, then one record per log-spaced moment of the budget, the last at its end.
      const m = t.metrics();
      assert.equal(m.length, points + 1, `${id}: ${m.length} records`);
      assert.equal(m[0].flops, 0);
      for (let k = 1; k < m.length; k++) {
        assert.ok(m[k].wallSeconds >= m[k - 1].wallSeconds, `${id}: time runs forward at record ${k}`);
        assert.ok(m[k].flops >= m[k - 1].flops, `${id}: FLOPs only grow at record ${k}`);
        assert.ok(m[k].testActionMatch !== undefined && m[k].meanReturn !== undefined, `${id}: record ${k}`);
      }
      assert.equal(m[points].flops, s.flops, `${id}: the last record is the end of the budget`);
    }
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.match(
      report,
      /0\.3 s of wall-clock time, not FLOPs: how far a trial got depends on the machine and on its load/,
    );
    assert.match(report, /no IsoFLOP analysis/);
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as {
      analysis: { axes: { axis: string; means: unknown[] }[]; isoflop: { notFitted?: string }[] };
    };
    assert.ok(analysis.analysis.axes.some((a) => a.axis === 'flops' && a.means.length > 0));
    assert.ok(analysis.analysis.isoflop.every((i) => /wall-clock/.test(i.notFitted ?? '')));
  });

  it('refuses hybrids, whose phases split a FLOPs budget', () => {
    const r = evoscale('run', 'scaling', '--plan', '--budget-seconds', '1', '--methods', 'hybrid_warm_ce');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /hybrid_warm_ce: a hybrid splits a FLOPs budget between its phases; drop --budget-seconds/);
  });
});
