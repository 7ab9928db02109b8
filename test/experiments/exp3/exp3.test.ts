// Experiment 3 end to end on a tiny synthetic configuration: trials, matched episodes, figures, report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXP3_DEFAULTS, type Exp3Config } from '../../../src/experiments/exp3/config.js';
import { runExp3 } from '../../../src/experiments/exp3/run.js';
import type { ProgressSink } from '../../../src/experiments/progress.js';
import { compareWithHuman } from '../../../src/experiments/exp3/matched.js';

const out = mkdtempSync(join(tmpdir(), 'evoscale-exp3-'));
after(() => rmSync(out, { recursive: true, force: true }));

const quiet: ProgressSink = { update: () => {}, finishTrial: () => {}, log: () => {}, close: () => {} };
const cfg: Exp3Config = {
  ...EXP3_DEFAULTS,
  envs: ['CartPole-v1'],
  sgdSteps: 300,
  neGenerations: 10,
  evalPoints: 3,
  synthetic: { participants: 1, days: 2, sessionsPerDay: 3, seed: 1 },
};
const run = (resume: boolean) => runExp3(cfg, { out, resume, progress: quiet, command: 'test' });
const first = run(false);

test('exp3 trains SGD and the adaptive GA with and without CL inputs, writing each trial folder', async () => {
  const { dir, pairs } = await first;
  assert.equal(pairs.length, 1);
  assert.deepEqual(pairs[0].models.map((m) => m.variant).sort(), [
    'ga_adaptive_ce_no_cl',
    'ga_adaptive_ce_with_cl',
    'sgd_no_cl',
    'sgd_with_cl',
  ]);
  for (const m of pairs[0].models) {
    const t = join(dir, 'trials', m.id);
    for (const f of [
      'config.json',
      'metrics.jsonl',
      'summary.json',
      'final_params.f32',
      'matched.json',
      'checkpoints/latest.msgpack',
    ]) {
      assert.ok(existsSync(join(t, f)), `${m.id}/${f}`);
    }
    const config = JSON.parse(readFileSync(join(t, 'config.json'), 'utf8'));
    assert.equal(config.model.inputs, m.withCl ? 6 : 4, 'obs_dim + 2 with CL inputs');
  }
});

test('exp3 plays exactly as many matched episodes as the human test set, on its seeds', async () => {
  const { dir, pairs } = await first;
  const p = pairs[0];
  for (const m of p.models) {
    assert.equal(m.returns.length, p.testEpisodes);
    const matched = JSON.parse(readFileSync(join(dir, 'trials', m.id, 'matched.json'), 'utf8'));
    assert.deepEqual(matched.seeds, p.testSeeds);
  }
});

test('exp3 writes the three figures per participant × env and a report that says the data is synthetic', async () => {
  const { dir } = await first;
  for (const kind of ['aggregate', 'cl_impact', 'violins']) {
    for (const ext of ['svg', 'png'])
      assert.ok(statSync(join(dir, 'plots', `synth01_cartpole_${kind}.${ext}`)).size > 1000);
  }
  const report = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(report, /SYNTHETIC DATA/);
  assert.match(report, /Does providing continual learning information|Does providing continual-learning information/);
  assert.match(report, /Mann–Whitney/);
  const agg = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8'));
  assert.equal(agg.synthetic, true);
});

test('exp3 --resume reuses finished trials and gives the same results', async () => {
  const a = await first;
  const b = await run(true);
  assert.deepEqual(
    b.pairs[0].models.map((m) => m.returns),
    a.pairs[0].models.map((m) => m.returns),
  );
  assert.deepEqual(
    b.pairs[0].models.map((m) => m.wallSeconds),
    a.pairs[0].models.map((m) => m.wallSeconds),
    'summaries read back, not retrained',
  );
});

test('% difference from the human is (model − human)/|human| × 100 with a negative human mean', () => {
  const c = compareWithHuman([-150, -150], [-200, -200]);
  assert.equal(c.pctDiff, 25);
});

test('run exp3 flags override the defaults and reject what exp3 cannot do', async () => {
  const { exp3ConfigFromFlags } = await import('../../../src/cli/commands/exp3.js');
  const c = exp3ConfigFromFlags({ budget: '100', envs: 'CartPole-v1', policy: 'greedy' });
  assert.equal(c.neGenerations, 100);
  assert.equal(c.sgdSteps, Math.round((100 * EXP3_DEFAULTS.sgdSteps) / EXP3_DEFAULTS.neGenerations));
  assert.equal(c.policy, 'greedy');
  assert.throws(() => exp3ConfigFromFlags({ policy: 'random' }), /policy: expected "sample" or "greedy", got "random"/);
  assert.throws(() => exp3ConfigFromFlags({ methods: 'nope' }), /unknown method 'nope'/);
});
