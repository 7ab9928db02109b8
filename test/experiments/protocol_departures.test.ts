import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXP1_DEFAULTS } from '../../src/experiments/exp1.js';
import { EXP2_DEFAULTS, planExp2 } from '../../src/experiments/exp2.js';
import { EXP3_DEFAULTS } from '../../src/experiments/exp3/config.js';
import {
  departuresSection,
  exp1Departures,
  exp2Departures,
  exp3Departures,
} from '../../src/experiments/protocol_departures.js';
import type { TrialSpec } from '../../src/trials/trial.js';

const settings = (d: { setting: string }[]): string[] => d.map((x) => x.setting);

describe("protocol departures: where a run's settings differ from the proposal's", () => {
  it("exp1's default run departs only in its data (the built-in stand-in for the proposal's recording)", () => {
    const d = exp1Departures(EXP1_DEFAULTS);
    assert.deepEqual(settings(d), ['data']);
    assert.match(d[0].run, /built-in CartPole-v1 expert data/);
  });

  it("exp1 on the proposal's own dataset and settings has no departure, and the section says so", () => {
    const d = exp1Departures({ ...EXP1_DEFAULTS, dataset: 'hf:NathanGavenski/CartPole-v1' });
    assert.deepEqual(d, []);
    assert.match(departuresSection(d), /None: this run follows the proposal's protocol/);
  });

  it('exp1 with fewer epochs, generations and sizes names each one and marks the judgement provisional', () => {
    const d = exp1Departures({ ...EXP1_DEFAULTS, epochs: 10, generations: 20, sizes: [100, 1000], testSize: 1000 });
    assert.deepEqual(settings(d), ['data', 'split', 'training-set sizes', 'DL epochs', 'GA generations']);
    assert.match(d.find((x) => x.setting === 'DL epochs')!.effect, /fewer epochs/);
    assert.match(d.find((x) => x.setting === 'GA generations')!.effect, /fewer generations/);
    assert.match(
      departuresSection(d),
      /5 settings, so \*\*every judgement of the proposal's findings below is provisional\*\*/,
    );
  });

  it("exp2's default run names its data, the missing LunarLander run, the fitness batch's text-vs-code choice and its fixed budget", () => {
    const d = exp2Departures(EXP2_DEFAULTS, planExp2(EXP2_DEFAULTS));
    assert.deepEqual(settings(d), ['data', 'datasets', 'NE fitness batch (text vs code)', 'budget']);
    assert.match(d[1].effect, /LunarLander-v2/);
    assert.match(d[2].proposal, /3,200 rows/);
  });

  it("exp2 with the proposal's code's fitness batch departs from the text and says so", () => {
    const specs = planExp2(EXP2_DEFAULTS).map((s): TrialSpec =>
      s.method.kind === 'ne' ? { ...s, method: { ...s.method, batchSize: 3200 } } : s,
    );
    const d = exp2Departures({ ...EXP2_DEFAULTS, budgetSeconds: 60 }, specs);
    const batch = d.find((x) => x.setting === 'NE fitness batch');
    assert.ok(batch, JSON.stringify(settings(d)));
    assert.equal(batch.run, '3200 rows per generation');
    assert.ok(!settings(d).includes('budget'), 'an equal wall-clock budget is the proposal’s');
  });

  it('exp2 with other fractions and fewer methods names the split and the methods', () => {
    const cfg = { ...EXP2_DEFAULTS, fractions: [0.5], methods: ['sgd', 'ga_fixed_ce'] };
    const d = exp2Departures(cfg, planExp2(cfg));
    assert.ok(settings(d).includes('split'));
    assert.match(d.find((x) => x.setting === 'methods')!.run, /^2: sgd, ga_fixed_ce/);
  });

  it('exp3 on synthetic players says the data are simulated, and names the split and the games not run', () => {
    const d = exp3Departures(EXP3_DEFAULTS, true, ['CartPole-v1']);
    assert.deepEqual(settings(d), ['data', 'environments', 'split']);
    assert.match(d[0].effect, /SYNTHETIC/);
    assert.match(d[1].effect, /Acrobot-v1, MountainCar-v0, LunarLander-v3/);
  });
});
