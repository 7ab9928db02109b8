/** `evoscale run hybrid`: the plan's budgets are equal in FLOPs, and its flags and config file are checked. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { HYBRID_DEFAULTS, planHybrid } from '../../src/experiments/hybrid.js';
import { planExp2, EXP2_DEFAULTS } from '../../src/experiments/exp2.js';
import { validateTrialSpec } from '../../src/shared/protocol/trial_spec.js';
import { checkTrialSpec } from '../../src/cluster/worker/trial_runner.js';
import { validateExp3Config, EXP3_DEFAULTS } from '../../src/experiments/exp3/config.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-hybrid-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8' });

describe('run hybrid', () => {
  const plan = planHybrid({ ...HYBRID_DEFAULTS, fractions: [0.1], seeds: [0] });

  it('gives DL alone, the GA alone and every hybrid the same planned FLOPs, and DL at the switch its share', () => {
    const byRole = (r: string) => plan.filter((p) => p.role === r);
    const total = byRole('dl_total')[0].plannedFlops;
    for (const p of [...byRole('ga_total'), ...byRole('hybrid')]) assert.equal(p.plannedFlops, total, p.spec.id);
    assert.equal(byRole('dl_switch')[0].plannedFlops, total * HYBRID_DEFAULTS.dlShare);
    assert.equal(byRole('dl_total')[0].spec.budget.steps, 2 * HYBRID_DEFAULTS.dlSteps);
    for (const p of byRole('hybrid')) {
      assert.ok(p.spec.method.kind === 'hybrid' && p.spec.method.dlSteps === HYBRID_DEFAULTS.dlSteps);
    }
  });

  it('plans trial specs the wire schema accepts (they run on --coordinator workers as they are)', () => {
    for (const p of plan) {
      const wire = JSON.parse(JSON.stringify(p.spec)) as Parameters<typeof checkTrialSpec>[0];
      assert.doesNotThrow(() => validateTrialSpec(wire, p.spec.id));
      assert.doesNotThrow(() => checkTrialSpec(wire, p.spec.id), 'a cluster worker takes it');
    }
  });

  it('--plan prints the trials with their roles; --dl-share changes the extra budget', () => {
    const r = run('hybrid', '--plan', '--fractions', '0.1', '--seeds', '0', '--dl-share', '0.25', '--out', dir);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { trials: { role: string; budget: { steps: number } }[] };
    const total = out.trials.find((t) => t.role === 'dl_total');
    assert.equal(total?.budget.steps, 4 * HYBRID_DEFAULTS.dlSteps);
  });

  it('refuses flags of other experiments and a share outside (0, 1)', () => {
    assert.match(run('hybrid', '--plan', '--epochs', '3', '--out', dir).stderr, /--epochs does not apply to hybrid/);
    assert.match(
      run('hybrid', '--plan', '--dl-share', '1', '--out', dir).stderr,
      /--dl-share must be a number in \(0, 1\)/,
    );
  });

  it('refuses a config file with a mistyped value, naming the key', () => {
    const file = join(dir, 'h.json');
    writeFileSync(file, '{"dlSteps": "many"}');
    const r = run('hybrid', '--config', file, '--plan', '--out', dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /dlSteps/);
  });
});

describe('hybrid methods elsewhere', () => {
  it('exp2 runs a hybrid by name with its DL phase a share of the SGD budget, and the nine defaults unchanged', () => {
    const specs = planExp2({ ...EXP2_DEFAULTS, fractions: [0.9], methods: ['sgd', 'hybrid_warm_ce'], dlShare: 0.25 });
    const h = specs.find((s) => s.method.name === 'hybrid_warm_ce');
    assert.ok(h && h.method.kind === 'hybrid');
    assert.equal(h.method.dlSteps, EXP2_DEFAULTS.sgdSteps / 4);
    assert.equal(h.budget.steps, EXP2_DEFAULTS.sgdSteps / 4 + (EXP2_DEFAULTS.neGenerations * 3) / 4);
    assert.equal(specs.find((s) => s.method.name === 'sgd')?.budget.steps, EXP2_DEFAULTS.sgdSteps);
  });

  it('exp3 takes the warm-start, SM-G and human-likeness hybrids, and refuses the feature hybrid with the reason', () => {
    assert.doesNotThrow(() =>
      validateExp3Config({ ...EXP3_DEFAULTS, methods: ['hybrid_warm_ce', 'hybrid_smg_f1', 'hybrid_warm_humanlike'] }),
    );
    assert.throws(() => validateExp3Config({ ...EXP3_DEFAULTS, methods: ['hybrid_feature_ce'] }), /one MLP/);
  });
});
