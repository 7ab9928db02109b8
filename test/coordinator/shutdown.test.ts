/**
 * Stopping by signal, as an operator (Ctrl-C) or Kubernetes (SIGTERM) does: the command stops taking work, writes
 * a checkpoint of the generation it reached, closes its sockets and threads, prints the command that resumes it
 * and exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). Rerunning that command finishes the
 * run exactly as an undisturbed run ends (same final parameters).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('sweep: clean stop on SIGTERM, then resume', () => {
  const sweepDir = tempDir('shutdown-sweep');
  const env = { EVOSCALE_CACHE: join(sweepDir.path, 'cache') };
  const sweepFile = join(sweepDir.path, 'sweep.json');
  const sweepProcs: Proc[] = [];
  const TRIALS = 4;
  const shas = (out: string): Record<string, string> => {
    const found: Record<string, string> = {};
    const root = join(out, 'exp2');
    if (!existsSync(root)) return found;
    for (const id of readdirSync(root)) {
      const p = join(root, id, 'summary.json');
      if (existsSync(p)) found[id] = (JSON.parse(readFileSync(p, 'utf8')) as { paramsSha256: string }).paramsSha256;
    }
    return found;
  };
  let reference: Record<string, string>;
  before(async () => {
    writeFileSync(
      sweepFile,
      JSON.stringify({
        grid: { experiment: ['exp2'], method: ['sgd', 'ga_fixed_ce'], dataset: ['cartpole'], fraction: [0.9, 0.3] },
        settings: { exp2: { sgdSteps: 1500, neGenerations: 150, datasetSteps: 3000, evalPoints: 4 } },
      }),
    );
    const out = join(sweepDir.path, 'reference');
    await expectSuccess(spawnCli(['sweep', sweepFile, '--out', out, '--threads', '2'], env), 'reference sweep');
    reference = shas(out);
    assert.equal(Object.keys(reference).length, TRIALS);
  });
  after(() => {
    killAll(sweepProcs);
    sweepDir.remove();
  });

  it('SIGTERM mid-sweep: exit 143, resume command printed; rerunning ends with the same results', async () => {
    const out = join(sweepDir.path, 'stopped');
    const args = ['sweep', sweepFile, '--out', out, '--threads', '1'];
    const first = spawnCli(args, env);
    sweepProcs.push(first);
    await waitFor('a trial to finish', () => Object.keys(shas(out)).length >= 1, 240_000);
    first.child.kill('SIGTERM');
    const code = await exitCode(first, 'the sweep');
    assert.equal(code, 143, first.stderr());
    for (const leak of LEAKS) assert.doesNotMatch(first.stderr(), leak);
    assert.match(first.stderr(), /resume with: npx evoscale sweep /);
    assert.ok(Object.keys(shas(out)).length < TRIALS, 'stopped before the end');

    const again = spawnCli(args, env);
    sweepProcs.push(again);
    await expectSuccess(again, 'the resumed sweep');
    assert.deepEqual(shas(out), reference);
  });
});
