import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { repoRoot } from '../../helpers/paths.js';
import { PUBLISHED_SCHEMAS, toJsonSchema } from '../../../src/shared/config/published.js';
import { checkSchema } from '../../../src/shared/config/check.js';
import { EXP1_DEFAULTS, planExp1 } from '../../../src/experiments/exp1.js';
import { EXP2_DEFAULTS, planExp2 } from '../../../src/experiments/exp2.js';
import { EXP3_DEFAULTS } from '../../../src/experiments/exp3/config.js';

const schemasDir = join(repoRoot, 'schemas');
const published = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Record<string, unknown>;

const runSpec = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'runs', 'cartpole-ga.json'), 'utf8')) as Record<
  string,
  unknown
>;
const trial = planExp2(EXP2_DEFAULTS)[0];

/** Values each published schema must accept (true) or refuse (false). */
const samples: Record<string, [unknown, boolean][]> = {
  'exp1.schema.json': [
    [{}, true],
    [EXP1_DEFAULTS, true],
    [{ $schema: './node_modules/evoscale/schemas/exp1.schema.json', sizes: [100] }, true],
    [{ seeds: '0,1', epochs: 'lots' }, false],
    [{ splitseed: 1 }, false],
    [{ sizes: [0] }, false],
  ],
  'exp2.schema.json': [
    [EXP2_DEFAULTS, true],
    [{ envIds: { 'my.jsonl': 'CartPole-v1' }, budgetSeconds: 1.5 }, true],
    [{ fractions: [0] }, false],
    [{ budgetSeconds: 0 }, false],
    [{ testFraction: 1 }, false],
  ],
  'exp3.schema.json': [
    [EXP3_DEFAULTS, true],
    [{ synthetic: { days: 3 } }, true],
    [{ policy: 'random' }, false],
    [{ synthetic: { weeks: 3 } }, false],
    [{ seed: 1.5 }, false],
  ],
  'sweep.schema.json': [
    [{ grid: { experiment: 'exp2', seed: 3 } }, true],
    [{ out: 'r', grid: { experiment: ['exp1'], size: [100, 300] }, settings: { exp1: { epochs: 2 } } }, true],
    [{ grid: { experiment: ['exp9'] } }, false],
    [{ grid: { experiment: ['exp2'] }, settings: { exp2: { sgdSteps: 'many' } } }, false],
    [{ grid: { experiment: ['exp2'], seeds: [1] } }, false],
    [{ grid: { experiment: ['exp2'], seed: [] } }, false],
  ],
  'run-spec.schema.json': [
    [runSpec, true],
    [{ ...runSpec, experiment: undefined }, true],
    [{ ...runSpec, populationSize: 1 }, false],
    [{ ...runSpec, mutation: { mode: 'gaussian' } }, false],
    [{ ...runSpec, task: { ...(runSpec.task as object), episodes: '5' } }, false],
  ],
  'trial-spec.schema.json': [
    ...planExp1(EXP1_DEFAULTS).map((p): [unknown, boolean] => [p.spec, true]),
    ...planExp2(EXP2_DEFAULTS).map((s): [unknown, boolean] => [s, true]),
    [{ ...trial, seed: '0' }, false],
    [{ ...trial, budget: { steps: 'lots' } }, false],
    [{ ...trial, extra: 1 }, false],
    [{ ...trial, method: { ...trial.method, kind: 'rl' } }, false],
  ],
};

/** JSON.stringify drops `undefined` members, as a file would not have them. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('published JSON Schema files', () => {
  it('are up to date with the schemas in src (run `npm run schemas` after changing one)', () => {
    for (const [file, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
      assert.deepEqual(published(file), toJsonSchema(schema), `schemas/${file} is stale`);
    }
  });

  it('mean what evoscale checks: ajv and the runtime check agree on accepted and refused values', () => {
    const ajv = new Ajv({ strict: true, allErrors: false });
    for (const [file, cases] of Object.entries(samples)) {
      const validate = ajv.compile(published(file));
      for (const [value, ok] of cases) {
        const v = asJson(value);
        assert.equal(validate(v), ok, `ajv on schemas/${file}: ${JSON.stringify(v).slice(0, 200)}`);
        let runtime = true;
        try {
          checkSchema(PUBLISHED_SCHEMAS[file], v);
        } catch {
          runtime = false;
        }
        assert.equal(runtime, ok, `runtime check of ${file}: ${JSON.stringify(v).slice(0, 200)}`);
      }
    }
  });
});
