import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRunSpecFile } from '../../src/coordinator/run_file.js';
import { repoRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-run-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const example = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'runs', 'cartpole-ga.json'), 'utf8')) as Record<
  string,
  unknown
>;
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('run spec files', () => {
  it('default the experiment to "ne" and allow "$schema" for editors', () => {
    const { experiment: _e, ...rest } = example;
    const p = write('a.json', JSON.stringify({ $schema: '../schemas/run-spec.schema.json', ...rest }));
    assert.deepEqual(readRunSpecFile(p), { ...rest, experiment: 'ne' });
  });

  it('refuse a bad value naming the file, line, key, value and what was expected', () => {
    const yaml = Object.entries({ ...example, populationSize: 'lots' })
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n');
    const p = write('b.yaml', yaml);
    assert.throws(
      () => readRunSpecFile(p),
      (e: unknown) =>
        (e as Error).message === `${p}:4:1: populationSize: expected an integer in [2, 16777216], got "lots"`,
    );
  });

  it('refuse an unknown mutation mode naming the modes it knows', () => {
    const p = write('c.json', JSON.stringify({ ...example, mutation: { mode: 'gaussian' } }, null, 2));
    assert.throws(
      () => readRunSpecFile(p),
      (e: unknown) =>
        (e as Error).message === `${p}:7:5: mutation.mode: expected "fixed_sigma" or "adaptive_sigma", got "gaussian"`,
    );
  });
});
