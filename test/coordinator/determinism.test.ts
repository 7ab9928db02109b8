/**
 * The determinism contract: the same run spec and seed give bit-identical final parameters (SHA-256) and
 * fitness histories with 1, 2 or 4 worker processes over ZeroMQ, with the embedded threads, on the
 * local engine, and on the coordinator's own threads.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe } from '../../src/coordinator/ne_run.js';
import type { NeRunSpec } from '../../src/shared/protocol/index.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, type Proc } from './helpers/procs.js';
import { datasetSpec, rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

const spec = rolloutSpec();
const dir = tempDir('determinism');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
let reference: { sha: string; history: RunSummaryFile['fitnessHistory'] };

function summaryOf(out: string, runId = spec.runId): RunSummaryFile {
  return JSON.parse(readFileSync(join(out, 'ne', runId, 'summary.json'), 'utf8')) as RunSummaryFile;
}

async function runWithWorkers(workers: number, run: NeRunSpec = spec): Promise<RunSummaryFile> {
  const port = await freePort();
  const endpoint = `tcp://127.0.0.1:${port}`;
  const out = join(dir.path, `${run.runId}-w${workers}`);
  const coordinator = spawnCli(
    [
      'coordinator',
      '--run',
      writeSpec(dir.path, run, `${run.runId}.json`),
      '--out',
      out,
      '--bind',
      endpoint,
      '--min-workers',
      String(workers),
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ],
    env,
  );
  procs.push(coordinator);
  for (let i = 0; i < workers; i++) {
    procs.push(
      spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', `w${workers}-${i}`, '--exit-on-bye'], env),
    );
  }
  await expectSuccess(coordinator, `coordinator with ${workers} workers`);
  const summary = summaryOf(out, run.runId);
  assert.equal(summary.generationsSharded, run.generations, 'every generation was sharded over the workers');
  return summary;
}

describe('a run gives the same result however it is evaluated', () => {
  before(async () => {
    const local = await runNe(spec, { placement: 'local' });
    reference = { sha: local.paramsSha256, history: local.fitnessHistory };
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  for (const workers of [1, 2, 4]) {
    it(`${workers} worker process${workers === 1 ? '' : 'es'} reproduce the local engine bit for bit`, async () => {
      const s = await runWithWorkers(workers);
      assert.equal(s.paramsSha256, reference.sha);
      assert.deepEqual(s.fitnessHistory, reference.history);
    });
  }

  it('a dataset-fitness run (mini-batches, sampled macro-F1) on 2 workers reproduces the local engine', async () => {
    const run = datasetSpec();
    process.env.EVOSCALE_CACHE = env.EVOSCALE_CACHE;
    const local = await runNe(run, { placement: 'local' });
    const s = await runWithWorkers(2, run);
    assert.equal(s.paramsSha256, local.paramsSha256);
    assert.deepEqual(s.fitnessHistory, local.fitnessHistory);
  });

  it("a dataset-fitness run on the coordinator's own 2 threads (--placement local) reproduces the local engine", async () => {
    const run = datasetSpec({ runId: 'local-threads' });
    process.env.EVOSCALE_CACHE = env.EVOSCALE_CACHE;
    const local = await runNe(run, { placement: 'local' });
    const out = join(dir.path, 'local-threads');
    const file = writeSpec(dir.path, run, 'local-threads.json');
    const args = ['coordinator', '--run', file, '--out', out, '--threads', '2', '--placement', 'local'];
    const p = spawnCli(args, env);
    procs.push(p);
    await expectSuccess(p, 'coordinator evaluating on its own threads');
    const s = summaryOf(out, run.runId);
    assert.equal(s.generationsLocal, run.generations);
    assert.equal(s.paramsSha256, local.paramsSha256);
    assert.deepEqual(s.fitnessHistory, local.fitnessHistory);
  });

  it('the embedded default (piscina threads, no network) reproduces it too', async () => {
    const out = join(dir.path, 'embedded');
    const p = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--threads',
      '2',
      '--placement',
      'cluster',
    ]);
    procs.push(p);
    await expectSuccess(p, 'embedded coordinator');
    const s = summaryOf(out);
    assert.equal(s.generationsSharded, spec.generations);
    assert.equal(s.paramsSha256, reference.sha);
    assert.deepEqual(s.fitnessHistory, reference.history);
  });
});
