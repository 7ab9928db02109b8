/**
 * `evoscale run exp2 --sizes … --fitness-batch code --coordinator …`: absolute training sizes on the cluster path,
 * on local worker processes, give the embedded run's results bit for bit, and every trial's FLOPs are the ones its
 * plan counted with the fitness batch.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, type Proc } from '../coordinator/helpers/procs.js';
import { plannedExp2Flops } from '../../src/experiments/exp2.js';
import type { TrialSpec, TrialSummary } from '../../src/trials/trial.js';

const dir = tempDir('exp2-sizes-cluster');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
const config = join(dir.path, 'exp2.json');
const args = (out: string): string[] => [
  'run',
  'exp2',
  '--config',
  config,
  '--sizes',
  '100,1000',
  '--fitness-batch',
  'code',
  '--methods',
  'sgd,ga_adaptive_ce,es_fixed_f1',
  '--out',
  out,
];

function trials(out: string): Map<string, { spec: TrialSpec; summary: TrialSummary }> {
  const root = join(out, 'exp2', 'trials');
  const found = new Map<string, { spec: TrialSpec; summary: TrialSummary }>();
  if (!existsSync(root)) return found;
  for (const id of readdirSync(root)) {
    const p = join(root, id, 'summary.json');
    if (!existsSync(p)) continue;
    found.set(id, {
      spec: JSON.parse(readFileSync(join(root, id, 'config.json'), 'utf8')) as TrialSpec,
      summary: JSON.parse(readFileSync(p, 'utf8')) as TrialSummary,
    });
  }
  return found;
}

describe('evoscale run exp2 --sizes --fitness-batch code --coordinator', () => {
  let reference: Map<string, { spec: TrialSpec; summary: TrialSummary }>;
  before(async () => {
    writeFileSync(config, JSON.stringify({ sgdSteps: 800, neGenerations: 30, datasetSteps: 3000, evalPoints: 3 }));
    const out = join(dir.path, 'embedded');
    await expectSuccess(spawnCli([...args(out), '--threads', '2'], env), 'embedded');
    reference = trials(out);
    assert.equal(reference.size, 6);
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('trains on the sizes asked, on worker processes, bit for bit as embedded, FLOPs as planned', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'cluster');
    const coordinator = spawnCli([...args(out), '--coordinator', endpoint, '--min-workers', '2'], env);
    procs.push(coordinator);
    for (const id of ['w1', 'w2']) {
      procs.push(spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', id, '--exit-on-bye'], env));
    }
    await expectSuccess(coordinator, 'cluster run');
    const got = trials(out);
    assert.deepEqual([...got.keys()].sort(), [
      'cartpole_n1000_es_fixed_f1_fb1000_s0',
      'cartpole_n1000_ga_adaptive_ce_fb1000_s0',
      'cartpole_n1000_sgd_s0',
      'cartpole_n100_es_fixed_f1_fb100_s0',
      'cartpole_n100_ga_adaptive_ce_fb100_s0',
      'cartpole_n100_sgd_s0',
    ]);
    for (const [id, { spec, summary }] of got) {
      assert.equal(summary.paramsSha256, reference.get(id)?.summary.paramsSha256, id);
      assert.equal(summary.flops, plannedExp2Flops(spec), `${id}: FLOPs count the fitness batch`);
      if (spec.method.kind === 'ne') {
        assert.equal(summary.samplesSeen, 30 * 50 * (spec.trainSet.size as number), `${id}: whole set each generation`);
      }
    }
    const report = readFileSync(join(out, 'exp2', 'report.md'), 'utf8');
    assert.match(report, /min\(3200, training rows\)/);
    assert.match(report, /## cartpole, train 1e2 rows/);
    const pngs = readdirSync(join(out, 'exp2', 'plots'));
    assert.ok(pngs.includes('cartpole_final_f1_error.png') && pngs.includes('cartpole_curves.png'), pngs.join(', '));
  });
});
