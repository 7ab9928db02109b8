import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { planSweep, readSweepFile, validateSweepFile } from '../../src/experiments/sweep_plan.js';

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
      /settings\.exp2\.sgdStep: unknown key; known keys: .*sgdSteps/,
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

describe('sweep files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evoscale-sweep-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('read a YAML grid with one value for an axis as a list of one', () => {
    const p = write(
      'ok.yaml',
      'grid:\n  experiment: exp2\n  method: sgd\n  seed: 4\nsettings:\n  exp2: { sgdSteps: 10 }\n',
    );
    const plan = planSweep(readSweepFile(p), p);
    assert.deepEqual(
      plan.trials.map((t) => [t.spec.method.name, t.spec.seed, t.spec.budget.steps]),
      [
        ['sgd', 4, 10],
        ['sgd', 4, 10],
        ['sgd', 4, 10],
      ],
    );
  });

  it("type-check an experiment's settings, naming the line, key and value", () => {
    const p = write('bad.yaml', 'grid:\n  experiment: [exp2]\nsettings:\n  exp2:\n    sgdSteps: many\n');
    assert.throws(
      () => readSweepFile(p),
      (e: unknown) =>
        (e as Error).message === `${p}:5:5: settings.exp2.sgdSteps: expected a positive integer, got "many"`,
    );
  });

  it('name the line of a misspelt grid axis', () => {
    const p = write('typo.yaml', 'grid:\n  experiment: [exp2]\n  seeds: [1]\n');
    assert.throws(
      () => readSweepFile(p),
      (e: unknown) => (e as Error).message.startsWith(`${p}:3:3: grid.seeds: unknown key; known keys: experiment,`),
    );
  });
});
