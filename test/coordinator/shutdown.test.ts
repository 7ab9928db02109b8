/**
 * Stopping by signal, as an operator (Ctrl-C) or Kubernetes (SIGTERM) does: the command stops taking work, writes
 * a checkpoint of the generation it reached, closes its sockets and threads, prints the command that resumes it
 * and exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). Rerunning that command finishes the
 * run exactly as an undisturbed run ends (same final parameters).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe } from '../../src/coordinator/ne_run.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

const spec = rolloutSpec({
  runId: 'stopped',
  populationSize: 400,
  model: { inputs: 4, hidden: [16], outputs: 2, activation: 'tanh' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2, maxSteps: 300 },
  generations: 14,
});
const dir = tempDir('shutdown');
const procs: Proc[] = [];
let referenceSha: string;

/** Library texts that must never reach the user on a stop. */
const LEAKS = [/Terminating worker thread/, /\n\s+at /];

function generationsRecorded(out: string): number {
  const path = join(out, 'ne', spec.runId, 'metrics.jsonl');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length
    : 0;
}

/** Exit code within a hang guard (a stop that hangs fails here instead of stalling the suite). */
async function exitCode(p: Proc, what: string, guardMs = 120_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), guardMs))),
  ]);
  clearTimeout(timer);
  if (code === 'hung') {
    p.kill9();
    throw new Error(`${what} did not exit after the signal\n--- stderr ---\n${p.stderr()}`);
  }
  return code;
}

function spawnTracked(args: string[]): Proc {
  const p = spawnCli(args);
  procs.push(p);
  return p;
}

async function stopAndResume(args: string[], out: string, signal: NodeJS.Signals, expected: number): Promise<void> {
  const first = spawnTracked(args);
  // Checkpoints every 5 generations: a stop after generation 2 is saved only if the stop writes one.
  await waitFor('two generations', () => generationsRecorded(out) >= 2 || first.child.exitCode !== null, 240_000);
  assert.ok(generationsRecorded(out) < spec.generations, 'the signal arrives mid-run');
  first.child.kill(signal);
  const code = await exitCode(first, `the coordinator (${signal})`);
  const stderr = first.stderr();
  assert.equal(code, expected, `exit status after ${signal}\n${stderr}`);
  for (const leak of LEAKS) assert.doesNotMatch(stderr, leak, 'no library error text or stack on a stop');
  assert.match(stderr, /stopped at generation \d+; checkpoint written to/);
  const resume = /resume with: (.+)$/m.exec(stderr);
  assert.ok(resume !== null, `prints what to run to resume\n${stderr}`);
  assert.match(resume[1], /^npx evoscale coordinator --run /);
  assert.ok(existsSync(join(out, 'ne', spec.runId, 'checkpoints', 'latest.msgpack')));
  assert.equal(existsSync(join(out, 'ne', spec.runId, 'summary.json')), false, 'the run is not finished');

  const again = spawnTracked(args);
  await expectSuccess(again, 'the resumed coordinator');
  const summary = JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile;
  assert.ok(summary.resumedFrom >= 2, `resumed from the stop's checkpoint (generation ${summary.resumedFrom})`);
  assert.equal(summary.paramsSha256, referenceSha, 'the resumed run ends exactly as an undisturbed one');
}

describe('coordinator: clean stop on SIGINT/SIGTERM, then resume', () => {
  before(async () => {
    referenceSha = (await runNe(spec, { placement: 'local' })).paramsSha256;
  });
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('embedded coordinator, SIGINT: checkpoint, exit 130, resumes bit-identically', async () => {
    const out = join(dir.path, 'embedded');
    const args = ['coordinator', '--run', writeSpec(dir.path, spec, 'a.json'), '--out', out];
    await stopAndResume([...args, '--threads', '2', '--checkpoint-every', '5'], out, 'SIGINT', 130);
  });

  it('networked coordinator evaluating locally, SIGTERM: checkpoint, exit 143, resumes bit-identically', async () => {
    const out = join(dir.path, 'bound');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const args = [
      'coordinator',
      '--run',
      writeSpec(dir.path, spec, 'b.json'),
      '--out',
      out,
      '--bind',
      endpoint,
      '--placement',
      'local',
      '--min-workers',
      '0',
      '--checkpoint-every',
      '5',
    ];
    await stopAndResume(args, out, 'SIGTERM', 143);
  });

  it('worker, SIGTERM while connected: says bye, exits 143 without a stack', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const worker = spawnTracked(['worker', '--connect', endpoint, '--threads', '1', '--heartbeat-ms', '200']);
    await waitFor('the worker to start', () => worker.stderr().includes('connecting to'), 120_000);
    worker.child.kill('SIGTERM');
    const code = await exitCode(worker, 'the worker');
    assert.equal(code, 143, worker.stderr());
    for (const leak of LEAKS) assert.doesNotMatch(worker.stderr(), leak);
  });
});
