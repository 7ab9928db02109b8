/**
 * Sweeps: a grid of trials that can be interrupted and resumed without re-running anything finished, on
 * embedded threads or on remote workers (which may die mid-trial), with the same results either way.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';

const dir = tempDir('sweep');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
const sweepFile = join(dir.path, 'sweep.json');
const TRIALS = 6;

interface Summary {
  paramsSha256: string;
}

function finished(out: string): Map<string, { mtimeMs: number; text: string }> {
  const m = new Map<string, { mtimeMs: number; text: string }>();
  const root = join(out, 'exp2');
  if (!existsSync(root)) return m;
  for (const id of readdirSync(root)) {
    const p = join(root, id, 'summary.json');
    if (existsSync(p)) m.set(id, { mtimeMs: statSync(p).mtimeMs, text: readFileSync(p, 'utf8') });
  }
  return m;
}

function shas(out: string): Record<string, string> {
  return Object.fromEntries([...finished(out)].map(([id, f]) => [id, (JSON.parse(f.text) as Summary).paramsSha256]));
}

describe('sweeps', () => {
  let reference: Record<string, string>;
  before(async () => {
    writeFileSync(
      sweepFile,
      JSON.stringify({
        grid: {
          experiment: ['exp2'],
          method: ['sgd', 'ga_fixed_ce'],
          dataset: ['cartpole'],
          fraction: [0.9, 0.3, 0.1],
          seed: [0],
        },
        settings: { exp2: { sgdSteps: 1500, neGenerations: 150, datasetSteps: 3000, evalPoints: 4 } },
      }),
    );
    const out = join(dir.path, 'reference');
    await expectSuccess(spawnCli(['sweep', sweepFile, '--out', out, '--threads', '2'], env), 'reference sweep');
    reference = shas(out);
    assert.equal(Object.keys(reference).length, TRIALS);
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('an interrupted sweep, run again, re-runs nothing that had finished', async () => {
    const out = join(dir.path, 'interrupted');
    const first = spawnCli(['sweep', sweepFile, '--out', out, '--threads', '1'], env);
    procs.push(first);
    await waitFor('two trials to finish', () => finished(out).size >= 2, 60_000);
    first.kill9();
    await first.exited;
    const before = finished(out);
    assert.ok(before.size < TRIALS, 'the sweep was interrupted before the end');

    const second = spawnCli(['sweep', sweepFile, '--out', out, '--threads', '1'], env);
    procs.push(second);
    await expectSuccess(second, 'resumed sweep');
    const report = JSON.parse(second.stdout()) as { skipped: number; ran: number };
    assert.equal(report.skipped, before.size);
    assert.equal(report.ran, TRIALS - before.size);
    const afterRun = finished(out);
    for (const [id, f] of before) {
      assert.equal(afterRun.get(id)?.mtimeMs, f.mtimeMs, `${id} was not rewritten`);
      assert.equal(afterRun.get(id)?.text, f.text);
    }
    assert.deepEqual(shas(out), reference);
  });

  it('a sweep on remote workers survives losing one and matches the embedded results', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'remote');
    const coordinator = spawnCli(
      ['sweep', sweepFile, '--out', out, '--bind', endpoint, '--heartbeat-ms', '200', '--missed-heartbeats', '4'],
      env,
    );
    const doomed = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '1', '--id', 'doomed', '--heartbeat-ms', '200'],
      env,
    );
    procs.push(coordinator, doomed);
    await waitFor('the first trial to finish', () => finished(out).size >= 1, 60_000);
    doomed.kill9();
    const sgd = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '1', '--role', 'sgd', '--id', 'sgd', '--exit-on-bye'],
      env,
    );
    const evaluator = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '1', '--id', 'evaluator', '--exit-on-bye'],
      env,
    );
    procs.push(sgd, evaluator);
    await expectSuccess(coordinator, 'remote sweep');
    assert.match(coordinator.stderr(), /worker doomed lost/);
    assert.match(
      coordinator.stderr(),
      /lost its worker .*queued again/,
      'the killed worker held a trial, which ran elsewhere',
    );
    assert.deepEqual(shas(out), reference);
  });
});
