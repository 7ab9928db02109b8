/**
 * Issue #16: a sweep stopped by SIGTERM, on embedded threads or with a remote worker, reports its running trials as
 * interrupted (never "failed"), and rerunning finishes them with the undisturbed results; no temporary file of an
 * interrupted write survives a finished sweep.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTempFile } from '../../src/platform/atomic_file.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';

const root = tempDir('sweep-interrupt');
const env = { EVOSCALE_CACHE: join(root.path, 'cache') };
const sweepFile = join(root.path, 'sweep.json');
const procs: Proc[] = [];
const TRIALS = 4;

function spawn(args: string[]): Proc {
  const p = spawnCli(args, env);
  procs.push(p);
  return p;
}

function shas(out: string): Record<string, string> {
  const found: Record<string, string> = {};
  const dir = join(out, 'exp2');
  if (!existsSync(dir)) return found;
  for (const id of readdirSync(dir)) {
    const p = join(dir, id, 'summary.json');
    if (existsSync(p)) found[id] = (JSON.parse(readFileSync(p, 'utf8')) as { paramsSha256: string }).paramsSha256;
  }
  return found;
}

function tempFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (isTempFile(e.name)) found.push(relative(dir, join(d, e.name)));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

async function exitCode(p: Proc, what: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 120_000))),
  ]);
  clearTimeout(timer);
  if (code === 'hung') {
    p.kill9();
    throw new Error(`${what} did not exit after SIGTERM\n${p.stderr()}`);
  }
  return code;
}

describe('sweep: interrupted trials are reported as interrupted and resume', () => {
  let reference: Record<string, string>;
  before(async () => {
    writeFileSync(
      sweepFile,
      JSON.stringify({
        grid: { experiment: ['exp2'], method: ['sgd', 'ga_fixed_ce'], dataset: ['cartpole'], fraction: [0.9, 0.3] },
        settings: { exp2: { sgdSteps: 3000, neGenerations: 300, datasetSteps: 3000, evalPoints: 4 } },
      }),
    );
    const out = join(root.path, 'reference');
    await expectSuccess(spawn(['sweep', sweepFile, '--out', out, '--threads', '2']), 'reference sweep');
    reference = shas(out);
    assert.equal(Object.keys(reference).length, TRIALS);
  });
  after(() => {
    killAll(procs);
    root.remove();
  });

  it('with a remote worker: SIGTERM to coordinator and worker reports no failure; rerunning both finishes', async () => {
    const out = join(root.path, 'cluster');
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const coordArgs = ['sweep', sweepFile, '--out', out, '--bind', endpoint];
    const workerArgs = ['worker', '--connect', endpoint, '--threads', '2', '--exit-on-bye'];
    const coordinator = spawn(coordArgs);
    const worker = spawn(workerArgs);
    await waitFor('a trial to start', () => /sweep: \S+ \d+%/.test(coordinator.stderr()), 240_000);
    // As `docker compose stop` or a Kubernetes rollout does: every process gets SIGTERM at once.
    coordinator.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    assert.equal(await exitCode(coordinator, 'the coordinator'), 143, coordinator.stderr());
    await exitCode(worker, 'the worker');
    const said = coordinator.stderr();
    assert.doesNotMatch(said, /failed/i);
    assert.doesNotMatch(said, /The task has been aborted|Terminating worker thread/);
    assert.match(said, /interrupted \(exp2\/\S+/);
    assert.match(said, /resume with: npx evoscale sweep /);
    assert.ok(Object.keys(shas(out)).length < TRIALS, 'stopped before the end');

    const again = spawn(coordArgs);
    const worker2 = spawn(workerArgs);
    await expectSuccess(again, 'the resumed sweep');
    assert.doesNotMatch(again.stderr(), /failed/i);
    assert.deepEqual(shas(out), reference);
    assert.deepEqual(tempFiles(out), []);
    worker2.kill9();
  });

  it('embedded: SIGTERM names the interrupted trials; the rerun ends with the undisturbed results', async () => {
    const out = join(root.path, 'embedded');
    const args = ['sweep', sweepFile, '--out', out, '--threads', '2'];
    const first = spawn(args);
    await waitFor('a trial to start', () => /sweep: \S+ \d+%/.test(first.stderr()), 240_000);
    first.child.kill('SIGTERM');
    assert.equal(await exitCode(first, 'the sweep'), 143, first.stderr());
    assert.doesNotMatch(first.stderr(), /failed/i);
    assert.match(first.stderr(), /interrupted \(exp2\/\S+/);
    const again = spawn(args);
    await expectSuccess(again, 'the resumed sweep');
    assert.deepEqual(shas(out), reference);
    assert.deepEqual(tempFiles(out), []);
  });

  it('temp files of writes stopped by a kill are removed, in finished and unfinished trials alike', async () => {
    const out = join(root.path, 'stale');
    const args = ['sweep', sweepFile, '--out', out, '--threads', '2'];
    await expectSuccess(spawn(args), 'first sweep');
    // What a SIGKILL mid-write leaves: the temp file of the atomic writer beside (or instead of) the real file.
    const [finished, unfinished] = Object.keys(shas(out)).sort();
    writeFileSync(join(out, 'exp2', finished, 'summary.json.tmp-4242-dead'), '{"half":');
    rmSync(join(out, 'exp2', unfinished, 'summary.json'));
    mkdirSync(join(out, 'exp2', unfinished, 'checkpoints'), { recursive: true });
    writeFileSync(join(out, 'exp2', unfinished, 'checkpoints', 'latest.msgpack.tmp-4242-dead'), 'torn');
    await expectSuccess(spawn(args), 'the rerun');
    assert.deepEqual(shas(out), reference);
    assert.deepEqual(tempFiles(out), []);
  });
});
