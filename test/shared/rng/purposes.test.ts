/**
 * The RNG purpose table: one id per purpose, and no module keeps ids of its own, so two uses of one seed never
 * share random draws.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RngPurpose } from '../../../src/shared/rng/index.js';
import { FITNESS_SAMPLING_PURPOSE } from '../../../src/worker/engine/index.js';
import { repoRoot } from '../../helpers/paths.js';

/** Pairs of purposes that share an id, as "a = b (id)". */
function clashes(table: Readonly<Record<string, number>>): string[] {
  const byId = new Map<number, string>();
  const out: string[] = [];
  for (const [name, id] of Object.entries(table)) {
    const other = byId.get(id);
    if (other !== undefined) out.push(`${other} = ${name} (${id})`);
    else byId.set(id, name);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('RNG purpose table', () => {
  it('gives every purpose an id of its own', () => {
    assert.deepEqual(clashes(RngPurpose), []);
  });

  it('would report a clash like the old dropout / fitness-sampling one', () => {
    assert.deepEqual(clashes({ dropout: 11, fitnessSampling: 11 }), ['dropout = fitnessSampling (11)']);
  });

  it('holds only valid stream ids (integers in [0, 2^32))', () => {
    for (const [name, id] of Object.entries(RngPurpose)) {
      assert.ok(Number.isInteger(id) && id >= 0 && id < 2 ** 32, `${name}: ${id}`);
    }
  });

  it('keeps the ids default runs draw with (changing one would change every result)', () => {
    assert.equal(RngPurpose.init, 1);
    assert.equal(RngPurpose.mutation, 2);
    assert.equal(RngPurpose.sigma, 3);
    assert.equal(RngPurpose.selection, 4);
    assert.equal(RngPurpose.batch, 5);
    assert.equal(RngPurpose.split, 7);
    assert.equal(RngPurpose.fitnessSampling, 11);
    assert.equal(RngPurpose.evalSampling, 12);
    assert.equal(FITNESS_SAMPLING_PURPOSE, RngPurpose.fitnessSampling);
  });

  it('is the only place in src/ that defines a stream id: no numeric purpose passed to CounterRng.from', () => {
    const literalStream = /CounterRng\.from\(\s*[^,()]+,\s*(0x[0-9a-fA-F]+|\d+)\s*[,)]/g;
    const purposeConstant = /_PURPOSE\s*=\s*(0x[0-9a-fA-F]+|\d+)/g;
    const offenders: string[] = [];
    for (const file of sourceFiles(join(repoRoot, 'src'))) {
      if (file.endsWith(join('rng', 'purposes.ts'))) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of [...text.matchAll(literalStream), ...text.matchAll(purposeConstant)]) {
        offenders.push(`${relative(repoRoot, file)}: ${m[0]}`);
      }
    }
    assert.deepEqual(offenders, [], 'take the id from RngPurpose in src/shared/rng/purposes.ts');
  });
});
