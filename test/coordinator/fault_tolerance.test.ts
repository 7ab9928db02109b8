/**
 * Failures users rely on surviving: a worker killed with SIGKILL mid-run (its shard is re-dispatched, no
 * generation is lost, the result is unchanged) and a coordinator killed and restarted (the run resumes from
 * its last checkpoint and ends exactly as an uninterrupted run).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe } from '../../src/coordinator/ne_run.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

// Generations long enough (tens of ms per shard) that a kill lands while shards are in flight.
const spec = rolloutSpec({
  runId: 'faults',
  populationSize: 120,
  generations: 14,
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 3, maxSteps: 300 },
});
const dir = tempDir('faults');
const procs: Proc[] = [];
let reference: { sha: string; history: RunSummaryFile['fitnessHistory'] };

interface GenerationLine {
  generation: number;
  redispatched: number;
}

function generationLines(out: string): GenerationLine[] {
  const path = join(out, 'ne', spec.runId, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GenerationLine);
}

function summaryOf(out: string): RunSummaryFile {
  return JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile;
}

function coordinatorArgs(out: string, endpoint: string, extra: string[] = []): string[] {
  return [
    'coordinator',
    '--run',
    writeSpec(dir.path, spec),
    '--out',
    out,
    '--bind',
    endpoint,
    '--min-workers',
    '2',
    '--placement',
    'cluster',
    '--heartbeat-ms',
    '200',
    '--missed-heartbeats',
    '4',
    ...extra,
  ];
}

describe('runs survive crashes', () => {
  before(async () => {
    const local = await runNe(spec, { placement: 'local' });
    reference = { sha: local.paramsSha256, history: local.fitnessHistory };
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('workers joining mid-run and one killed with SIGKILL: shards re-dispatched, result unchanged', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'kill-worker');
    // Loss is declared after 10 silent heartbeats (2 s): long enough that a generation starts, and pushes the
    // stopped worker a shard, before the coordinator gives up on it, however loaded the machine is.
    const coordinator = spawnCli(coordinatorArgs(out, endpoint, ['--missed-heartbeats', '10']));
    const doomed = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'doomed',
      '--heartbeat-ms',
      '200',
    ]);
    const survivor = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'survivor',
      '--heartbeat-ms',
      '200',
      '--exit-on-bye',
    ]);
    procs.push(coordinator, doomed, survivor);
    await waitFor('generation 2 to finish', () => generationLines(out).length >= 3, 60_000);
    // A worker joining mid-run gets the current population once (a snapshot), then only fitness vectors.
    // The coordinator is paused while the newcomer starts, so the run cannot finish before it arrives.
    coordinator.child.kill('SIGSTOP');
    const latecomer = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'latecomer',
      '--heartbeat-ms',
      '200',
      '--exit-on-bye',
    ]);
    procs.push(latecomer);
    await waitFor('the latecomer to start', () => /connecting to/.test(latecomer.stderr()), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    coordinator.child.kill('SIGCONT');
    await waitFor(
      'the latecomer to hold the run',
      () => /holds run faults from generation [1-9]\d* \(snapshot\)/.test(latecomer.stderr()),
      60_000,
    );
    const killedAt = generationLines(out).length;
    assert.ok(killedAt < spec.generations, 'the run is still going');
    // Frozen first, so it dies holding a shard: every generation gives each live worker one, and the generation
    // it holds one of cannot finish until the coordinator declares it lost and re-dispatches that shard.
    doomed.child.kill('SIGSTOP');
    await waitFor(
      'the coordinator to lose the frozen worker',
      () => /worker doomed lost/.test(coordinator.stderr()),
      120_000,
    );
    doomed.kill9();
    await expectSuccess(coordinator, 'coordinator');
    const lines = generationLines(out);
    assert.deepEqual(
      lines.map((l) => l.generation),
      Array.from({ length: spec.generations }, (_, g) => g),
      'every generation recorded once',
    );
    assert.ok(
      lines.some((l) => l.redispatched > 0),
      'the dead worker’s shard was re-dispatched',
    );
    assert.match(coordinator.stderr(), /worker doomed lost/);
    const s = summaryOf(out);
    assert.equal(s.paramsSha256, reference.sha);
    assert.deepEqual(s.fitnessHistory, reference.history);
  });

  it('a coordinator killed with SIGKILL and restarted resumes from its checkpoint with the same result', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'kill-coordinator');
    const args = coordinatorArgs(out, endpoint, ['--checkpoint-every', '2']);
    const first = spawnCli(args);
    // The workers outlive the coordinator and reconnect to its successor on their own.
    const workers = [0, 1].map((i) =>
      spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', `steady-${i}`, '--heartbeat-ms', '200']),
    );
    procs.push(first, ...workers);
    await waitFor('generation 5 to finish', () => generationLines(out).length >= 6, 60_000);
    first.kill9();
    await first.exited;
    const second = spawnCli(args);
    procs.push(second);
    await expectSuccess(second, 'restarted coordinator');
    const s = summaryOf(out);
    assert.ok(s.resumedFrom >= 2 && s.resumedFrom % 2 === 0, `resumed from checkpoint generation ${s.resumedFrom}`);
    assert.equal(s.generations, spec.generations);
    assert.deepEqual(
      generationLines(out).map((l) => l.generation),
      Array.from({ length: spec.generations }, (_, g) => g),
      'metrics.jsonl holds each generation once after the resume',
    );
    assert.equal(s.paramsSha256, reference.sha);
    assert.deepEqual(s.fitnessHistory, reference.history);
    for (const w of workers) w.kill9();
  });
});
