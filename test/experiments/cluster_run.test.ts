/**
 * `evoscale run exp2 --coordinator …`: the same experiment on a cluster of worker processes, one of which is
 * killed mid-run, gives the embedded run's results bit for bit, and still writes the figures and the report.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  expectSuccess,
  freePort,
  killAll,
  spawnCli,
  tempDir,
  waitFor,
  type Proc,
} from '../coordinator/helpers/procs.js';

const dir = tempDir('cluster-run');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
const config = join(dir.path, 'exp2.json');

function summaries(out: string): Record<string, string> {
  const root = join(out, 'exp2', 'trials');
  const found: Record<string, string> = {};
  if (!existsSync(root)) return found;
  for (const id of readdirSync(root)) {
    const p = join(root, id, 'summary.json');
    if (existsSync(p)) found[id] = (JSON.parse(readFileSync(p, 'utf8')) as { paramsSha256: string }).paramsSha256;
  }
  return found;
}

describe('evoscale run exp2 --coordinator', () => {
  let reference: Record<string, string>;
  before(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        methods: ['sgd', 'ga_fixed_ce', 'es_adaptive_f1'],
        fractions: [0.9, 0.1],
        sgdSteps: 1500,
        neGenerations: 120,
        datasetSteps: 3000,
        evalPoints: 4,
      }),
    );
    const out = join(dir.path, 'embedded');
    await expectSuccess(spawnCli(['run', 'exp2', '--config', config, '--out', out, '--workers', '2'], env), 'embedded');
    reference = summaries(out);
    assert.equal(Object.keys(reference).length, 6);
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('runs the trials on workers, survives losing one, and matches the embedded run bit for bit', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'cluster');
    const coordinator = spawnCli(
      [
        'run',
        'exp2',
        '--config',
        config,
        '--out',
        out,
        '--coordinator',
        endpoint,
        '--min-workers',
        '1',
        '--heartbeat-ms',
        '200',
        '--missed-heartbeats',
        '4',
      ],
      env,
    );
    const doomed = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '1', '--id', 'doomed', '--heartbeat-ms', '200'],
      env,
    );
    procs.push(coordinator, doomed);
    await waitFor('the first trial to finish on the cluster', () => Object.keys(summaries(out)).length >= 1, 60_000);
    doomed.kill9();
    const survivor = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '2', '--id', 'survivor', '--exit-on-bye'],
      env,
    );
    procs.push(survivor);
    await expectSuccess(coordinator, 'cluster run');
    assert.match(coordinator.stderr(), /worker doomed lost/);
    assert.match(
      coordinator.stderr(),
      /lost its worker .*queued again/,
      'the killed worker held a trial, which ran elsewhere',
    );
    assert.deepEqual(summaries(out), reference);
    const report = readFileSync(join(out, 'exp2', 'report.md'), 'utf8');
    assert.match(report, /cluster workers \(coordinator bound to tcp:\/\/127\.0\.0\.1:/);
    const pngs = readdirSync(join(out, 'exp2', 'plots')).filter((f) => f.endsWith('.png'));
    assert.ok(pngs.length >= 3, `figures written: ${pngs.join(', ')}`);
  });

  it('refuses --coordinator with --plan and for experiment 3, saying what to do', async () => {
    for (const args of [
      ['run', 'exp2', '--plan', '--coordinator', 'tcp://127.0.0.1:1'],
      ['run', 'exp3', '--coordinator', 'tcp://127.0.0.1:1'],
    ]) {
      const p = spawnCli(args, env);
      procs.push(p);
      assert.notEqual(await p.exited, 0, args.join(' '));
      assert.match(p.stderr(), /--coordinator.*(drop it|does not apply)|drop --coordinator/, args.join(' '));
    }
  });
});
