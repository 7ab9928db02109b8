/** The scaling study (`evoscale run scaling`): its grid, its compute budget, its references and its analysis. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { trialData } from '../../src/trials/data.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { runTrial } from '../../src/trials/trial.js';
import { planScaling } from '../../src/experiments/scaling/plan.js';
import { scalingPreset } from '../../src/experiments/scaling/presets.js';
import { referenceReturns, returnGap } from '../../src/experiments/scaling/reference.js';
import { analyseScaling } from '../../src/experiments/scaling/analysis.js';
import { lowerFloorVerdict } from '../../src/experiments/scaling/report.js';
import type { TrialCurve } from '../../src/experiments/scaling/curves.js';
import type { ScalingConfig } from '../../src/shared/config/scaling.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-scaling-'));
after(() => rmSync(root, { recursive: true, force: true }));

function small(extra: Partial<ScalingConfig> = {}): ScalingConfig {
  return {
    ...scalingPreset('laptop'),
    sizes: [100, 300],
    widths: [4, 16],
    depths: [1, 2],
    seeds: [0, 1],
    trialFlops: 2e6,
    testSize: 1000,
    ...extra,
  };
}

function evoscale(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
}

describe('the scaling study plan', () => {
  it('is the full grid: datasets × sizes × depths × widths × methods × seeds, each id once', () => {
    const plan = planScaling(small());
    assert.equal(plan.length, 2 * 2 * 2 * 2 * 2);
    assert.equal(new Set(plan.map((p) => p.spec.id)).size, plan.length);
    assert.deepEqual([...new Set(plan.map((p) => p.spec.model.hidden.join('x')))].sort(), ['16', '16x16', '4', '4x4']);
  });

  it('gives every trial the same compute: planned FLOPs within one step of the budget', () => {
    for (const p of planScaling(small())) {
      const steps = p.spec.budget.steps ?? 0;
      const perStep = p.plannedFlops / steps;
      assert.ok(Math.abs(p.plannedFlops - 2e6) <= perStep / 2 + 1e-6, `${p.spec.id}: ${p.plannedFlops}`);
    }
  });

  it('plans the FLOPs a trial then really spends (within 2%)', () => {
    const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 1 });
    const plan = planScaling(small({ trialFlops: 5e5, episodes: 0 })).filter(
      (p) => p.spec.seed === 0 && p.size === 100,
    );
    for (const p of plan.filter((q) => q.width === 4 && q.depth === 1)) {
      const s = runTrial(p.spec, trialData(p.spec, ds), new TrialDirectory(join(root, p.spec.id)));
      // Equal up to the epoch's short last batch, which the plan spreads evenly over the steps.
      assert.ok(Math.abs(s.flops / p.plannedFlops - 1) < 0.02, `${p.spec.id}: ${s.flops} vs ${p.plannedFlops}`);
    }
  });

  it('runs the hybrids, CMA-ES and OpenAI-ES on the same FLOPs budget, the DL phase taking its share', () => {
    const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 1 });
    const methods = ['hybrid_warm_ce', 'hybrid_smg_ce', 'cmaes_ce', 'openai_es_ce'];
    const plan = planScaling(small({ trialFlops: 5e5, episodes: 0, methods })).filter(
      (p) => p.spec.seed === 0 && p.size === 100 && p.width === 4 && p.depth === 1,
    );
    assert.deepEqual(plan.map((p) => p.spec.method.name).sort(), [...methods].sort());
    for (const p of plan) {
      const m = p.spec.method;
      if (m.kind === 'hybrid') assert.ok(m.dlSteps > 0 && m.dlSteps < (p.spec.budget.steps ?? 0), p.spec.id);
      const s = runTrial(p.spec, trialData(p.spec, ds), new TrialDirectory(join(root, `m_${p.spec.id}`)));
      // SM-G's sensitivity passes come on top of the planned phases.
      const slack = m.kind === 'hybrid' && m.variant === 'smg' ? 0.25 : 0.02;
      assert.ok(s.flops >= p.plannedFlops * 0.98, `${p.spec.id}: ${s.flops} vs ${p.plannedFlops}`);
      assert.ok(s.flops <= p.plannedFlops * (1 + slack), `${p.spec.id}: ${s.flops} vs ${p.plannedFlops}`);
    }
    assert.throws(() => planScaling(small({ methods: ['hybrid_feature_ce'] })), /unknown method 'hybrid_feature_ce'/);
  });

  it('refuses an unknown method, naming the ones it knows', () => {
    assert.throws(() => planScaling(small({ methods: ['adamw'] })), /unknown method 'adamw'; choose from .*adam/);
  });

  it('refuses a size listed twice', () => {
    assert.throws(() => planScaling(small({ sizes: [100, 100] })), /sizes: \[100, 100\] lists a value twice/);
  });
});

describe('the return gap', () => {
  it("is measured between CartPole's expert (500 on every episode) and a random policy", () => {
    const ref = referenceReturns('CartPole-v1', 3, 0);
    assert.ok(ref);
    assert.equal(ref.expert, 500);
    assert.ok(ref.random > 8 && ref.random < 60, `random ${ref.random}`);
    assert.equal(returnGap(500, ref), 0);
    assert.equal(returnGap(ref.random, ref), 1);
  });
});

/** Curves of one method whose final errors follow err(D) = 0.02 + 3·D^(−0.6) with seed noise (one capacity). */
function syntheticCurves(method: string, eInf: number, noise: readonly number[]): TrialCurve[] {
  const sizes = [100, 300, 1000, 3000, 10000, 30000];
  return noise.flatMap((n, seed) =>
    sizes.map((size) => {
      const e = (eInf + 3 * size ** -0.6) * (1 + n * Math.sin(size + seed));
      return {
        id: `${method}_${size}_${seed}`,
        dataset: 'd',
        method,
        size,
        width: 8,
        depth: 1,
        params: 58,
        seed,
        points: [
          { index: 0, flops: 0, wallSeconds: 0, err: { action: 0.5 } },
          { index: 1, flops: 1e6, wallSeconds: 1, err: { action: e } },
        ],
      };
    }),
  );
}

describe('the scaling analysis', () => {
  const opts = { epsilon: 0.01, nominalFlops: (k: number) => 1e6 * k };

  it('recovers a saturating law from noisy seeds: E∞ and α inside their intervals, forecast held, credible', () => {
    const a = analyseScaling(syntheticCurves('m', 0.02, [0.02, -0.02, 0.01]), opts);
    const data = a.axes.find((x) => x.axis === 'data' && x.metric === 'action');
    assert.ok(data?.fit, data?.notFitted);
    assert.ok(data.fit.eInf.lo <= 0.02 && 0.02 <= data.fit.eInf.hi, JSON.stringify(data.fit.eInf));
    assert.ok(data.fit.alpha.lo <= 0.6 && 0.6 <= data.fit.alpha.hi, JSON.stringify(data.fit.alpha));
    assert.equal(data.credibility?.credible, true, data.credibility?.reasons.join('; '));
    assert.ok(data.forecast?.ok && Math.abs(data.forecast.relativeError) < 0.1);
    // (A/ε)^(1/α) with A = 3, α = 0.6, ε = 0.01: about 13 500 samples.
    assert.ok(data.xWithinEps !== undefined && Math.abs(Math.log(data.xWithinEps / 13_500)) < 0.5);
  });

  it('names the method that saturates lower only when the E∞ intervals do not overlap', () => {
    const a = analyseScaling(
      [...syntheticCurves('low', 0.02, [0.02, -0.02, 0.01]), ...syntheticCurves('high', 0.1, [0.02, -0.02, 0.01])],
      opts,
    );
    const rows = a.axes.filter((x) => x.axis === 'data' && x.metric === 'action');
    assert.match(lowerFloorVerdict(rows), /\*\*low saturates lower\*\*/);
  });

  it('reports a rising curve as not credible and draws no verdict from it', () => {
    const rising = syntheticCurves('r', 0.02, [0.02, -0.02, 0.01]).map((c) => ({
      ...c,
      points: [c.points[0], { ...c.points[1], err: { action: 0.01 * Math.log10(c.size) } }],
    }));
    const rows = analyseScaling(rising, opts).axes.filter((x) => x.axis === 'data' && x.metric === 'action');
    assert.notEqual(rows[0].credibility?.credible, true);
    assert.match(lowerFloorVerdict(rows), /Cannot say from fits: no method has a credible fit/);
  });
});

describe('evoscale run scaling', () => {
  it('--plan prints the default (laptop) grid with its planned FLOPs', () => {
    const r = evoscale(['run', 'scaling', '--plan']);
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { preset: string; trialCount: number; totalPlannedFlops: number };
    assert.equal(plan.preset, 'laptop');
    assert.equal(plan.trialCount, 120);
    assert.ok(Math.abs(plan.totalPlannedFlops / 1.2e11 - 1) < 0.01);
  });

  it('refuses a config value of the wrong type, naming the file and the key', () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ widths: 'lots' }));
    const r = evoscale(['run', 'scaling', '--config', file, '--plan']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.json/);
    assert.match(r.stderr, /widths/);
  });

  it('refuses its own flags on the other experiments', () => {
    const r = evoscale(['run', 'exp2', '--widths', '4,8', '--plan']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--widths does not apply to exp2/);
  });

  it('runs a small grid end to end: a report that states protocol departures first, fits and figures', () => {
    const out = join(root, 'run');
    const r = evoscale([
      'run',
      'scaling',
      '--out',
      out,
      '--sizes',
      '100,300,1000',
      '--widths',
      '4,8',
      '--seeds',
      '0,1',
      '--trial-flops',
      '2e6',
      '--episodes',
      '1',
      '--threads',
      '1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = readFileSync(join(out, 'scaling', 'report.md'), 'utf8');
    assert.ok(report.indexOf('## Protocol departures') < report.indexOf('## Headline'));
    assert.match(report, /E∞ \[95% CI\]/);
    for (const f of ['data', 'params', 'flops', 'isoflop', 'compute'])
      assert.ok(existsSync(join(out, 'scaling', 'plots', `cartpole_${f}.png`)), f);
  });
});
