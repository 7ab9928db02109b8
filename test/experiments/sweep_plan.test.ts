import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSweep, validateSweepFile } from '../../src/experiments/sweep_plan.js';

describe('sweep files', () => {
  it('expand the grid into one trial per experiment × method × dataset × fraction × seed', () => {
    const file = validateSweepFile(
      {
        grid: {
          experiment: ['exp2'],
          method: ['sgd', 'ga_fixed_ce'],
          dataset: ['cartpole'],
          fraction: [0.9, 0.1],
          seed: [0, 1, 2],
        },
      },
      'sweep.yaml',
    );
    const plan = planSweep(file, 'sweep.yaml');
    assert.equal(plan.trials.length, 2 * 2 * 3);
    assert.equal(plan.out, 'results');
    assert.ok(plan.trials.some((t) => t.spec.id === 'cartpole_f10_ga_fixed_ce_s2'));
  });

  it('prefix exp1 trial ids with their dataset so datasets never collide', () => {
    const plan = planSweep(
      validateSweepFile(
        {
          grid: {
            experiment: ['exp1'],
            method: ['dl_adam'],
            dataset: ['cartpole', 'other.jsonl'],
            size: [100],
            seed: [0],
          },
        },
        's',
      ),
      's',
    );
    assert.deepEqual(
      plan.trials.map((t) => t.spec.id),
      ['cartpole_n100_dl_adam_s0', 'other_jsonl_n100_dl_adam_s0'],
    );
  });

  it('pass settings to the experiment and refuse unknown ones, naming them', () => {
    const plan = planSweep(
      validateSweepFile(
        { grid: { experiment: ['exp2'], method: ['sgd'], seed: [0] }, settings: { exp2: { sgdSteps: 123 } } },
        's',
      ),
      's',
    );
    assert.ok(plan.trials.every((t) => t.spec.budget.steps === 123));
    assert.throws(
      () =>
        planSweep(validateSweepFile({ grid: { experiment: ['exp2'] }, settings: { exp2: { sgdStep: 1 } } }, 's'), 's'),
      /unknown setting 'sgdStep'/,
    );
  });

  it('name the field to fix in a malformed file', () => {
    assert.throws(
      () => validateSweepFile({ grid: { experiment: ['exp9'] } }, 'sweep.yaml'),
      /sweep\.yaml: grid\.experiment/,
    );
    assert.throws(() => validateSweepFile({ grid: { experiment: ['exp2'], seeds: [1] } }, 'f'), /grid\.seeds/);
    assert.throws(() => validateSweepFile({ grid: { experiment: ['exp2'], seed: [-1] } }, 'f'), /grid\.seed/);
    assert.throws(
      () => planSweep(validateSweepFile({ grid: { experiment: ['exp2'], method: ['nope'] } }, 'f'), 'f'),
      /unknown method 'nope'/,
    );
  });
});
