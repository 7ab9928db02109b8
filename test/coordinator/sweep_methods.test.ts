/**
 * The methods added after the proposal's nine (the DL→GA hybrids, CMA-ES and OpenAI-ES) run by name in a sweep
 * file like the nine, and a sweep of them is a pure function of the file: the same on one thread or two.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expectSuccess, spawnCli, tempDir } from './helpers/procs.js';

const dir = tempDir('sweep-methods');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const METHODS = ['hybrid_warm_ce', 'hybrid_feature_ce', 'hybrid_smg_f1', 'cmaes_ce', 'openai_es_f1'];

interface Summary {
  method: string;
  paramsSha256: string;
  flops: number;
  final: { testMacroF1: number };
}

function summaries(out: string): Map<string, Summary> {
  const root = join(out, 'exp2');
  const m = new Map<string, Summary>();
  if (!existsSync(root)) return m;
  for (const id of readdirSync(root)) {
    const p = join(root, id, 'summary.json');
    if (existsSync(p)) m.set(id, JSON.parse(readFileSync(p, 'utf8')) as Summary);
  }
  return m;
}

describe('a sweep of the hybrids, CMA-ES and OpenAI-ES', () => {
  after(() => dir.remove());

  it('runs every method by name and gives the same networks on one thread or two', async () => {
    const file = join(dir.path, 'sweep.json');
    writeFileSync(
      file,
      JSON.stringify({
        grid: { experiment: 'exp2', method: METHODS, dataset: 'cartpole', fraction: 0.1, seed: 0 },
        settings: { exp2: { sgdSteps: 200, neGenerations: 20, datasetSteps: 3000, evalPoints: 2, dlShare: 0.5 } },
      }),
    );
    const one = join(dir.path, 'one');
    const two = join(dir.path, 'two');
    await expectSuccess(spawnCli(['sweep', file, '--out', one, '--threads', '1'], env), 'sweep on one thread');
    await expectSuccess(spawnCli(['sweep', file, '--out', two, '--threads', '2'], env), 'sweep on two threads');
    const a = summaries(one);
    const b = summaries(two);
    assert.deepEqual([...a.values()].map((s) => s.method).sort(), [...METHODS].sort());
    for (const [id, s] of a) {
      assert.ok(s.flops > 0, `${id} counted its FLOPs`);
      assert.ok(s.final.testMacroF1 >= 0 && s.final.testMacroF1 <= 1, `${id} has a macro-F1`);
      assert.equal(b.get(id)?.paramsSha256, s.paramsSha256, `${id}: same network on one thread or two`);
    }
  });
});
