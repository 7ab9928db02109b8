/**
 * Issue #16: a sweep stopped by SIGTERM, on embedded threads or with a remote worker, reports its running trials as
 * interrupted (never "failed"), and rerunning finishes them with the undisturbed results; no temporary file of an
 * interrupted write survives a finished sweep.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Packr } from 'msgpackr';
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

/** Evaluation records of each trial folder a worker has under `tmp` (its TMPDIR) right now, by trial id. */
function workerRecords(tmp: string): Record<string, number> {
  const found: Record<string, number> = {};
  if (!existsSync(tmp)) return found;
  for (const d of readdirSync(tmp).filter((n) => n.startsWith('evoscale-trial-'))) {
    const config = join(tmp, d, 'config.json');
    const metrics = join(tmp, d, 'metrics.jsonl');
    if (!existsSync(config) || !existsSync(metrics)) continue;
    try {
      const id = (JSON.parse(readFileSync(config, 'utf8')) as { id: string }).id;
      found[id] = readFileSync(metrics, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
    } catch {
      // A file being written right now: read it on the next poll.
    }
  }
  return found;
}

describe('sweep --bind stopped by a signal: remote trials are told to stop and come back checkpointed', () => {
  const dir = tempDir('sweep-remote-stop');
  const file = join(dir.path, 'sweep.json');
  let want: Record<string, string>;
  let ids: string[];
  before(async () => {
    // About 5 s a trial on an idle 2-core machine: long enough that the signal lands mid-trial.
    writeFileSync(
      file,
      JSON.stringify({
        grid: { experiment: ['exp2'], method: ['sgd', 'ga_fixed_ce'], dataset: ['cartpole'], fraction: [0.3] },
        settings: { exp2: { sgdSteps: 300_000, neGenerations: 7500, datasetSteps: 20_000, evalPoints: 10 } },
      }),
    );
    const referenceOut = join(dir.path, 'reference');
    await expectSuccess(spawn(['sweep', file, '--out', referenceOut, '--threads', '2']), 'the undisturbed sweep');
    want = shas(referenceOut);
    ids = Object.keys(want).sort();
    assert.equal(ids.length, 2);
  });
  after(() => dir.remove());

  it('the worker stops at the next step and sends the checkpoint back; the rerun resumes there, bit-identically', async () => {
    const out = join(dir.path, 'cluster');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const coordArgs = ['sweep', file, '--out', out, '--bind', endpoint];
    const tmp = join(dir.path, 'worker-tmp');
    mkdirSync(tmp);
    // No --exit-on-bye: the same worker serves the rerun, so it must come out of the stop healthy.
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '2'], { ...env, TMPDIR: tmp });
    procs.push(worker);
    const coordinator = spawn(coordArgs);
    await waitFor(
      'both trials past their first evaluations on the worker',
      () => {
        const r = workerRecords(tmp);
        return ids.every((id) => (r[id] ?? 0) >= 2) || coordinator.child.exitCode !== null;
      },
      240_000,
    );
    coordinator.child.kill('SIGTERM');
    assert.equal(await exitCode(coordinator, 'the coordinator'), 143, coordinator.stderr());
    const said = coordinator.stderr();
    assert.doesNotMatch(said, /failed|abandoned/i);
    assert.match(said, /resume with: npx evoscale sweep /);
    assert.deepEqual(shas(out), {}, 'the signal came before either trial ended');
    const codec = new Packr({ moreTypes: true });
    const before: Record<string, string[]> = {};
    for (const id of ids) {
      const stop = new RegExp(`trial ${id} stopped at step (\\d+); checkpoint written`).exec(said);
      assert.ok(stop !== null, `${id} came back checkpointed\n${said}`);
      const step = Number(stop[1]);
      const checkpoint = readFileSync(join(out, 'exp2', id, 'checkpoints', 'latest.msgpack'));
      assert.equal((codec.unpack(checkpoint) as { step: number }).step, step, 'the checkpoint stored is the stop');
      const config = JSON.parse(readFileSync(join(out, 'exp2', id, 'config.json'), 'utf8')) as {
        budget: { steps: number };
      };
      assert.ok(step < config.budget.steps, `${id} stopped at ${step} of ${config.budget.steps} steps`);
      assert.match(worker.stderr(), new RegExp(`trial ${id} stopped at step ${step}`), 'the worker stopped it');
      before[id] = readFileSync(join(out, 'exp2', id, 'metrics.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    }
    // Nothing left training on the worker: its trial folders are gone, and it is still up.
    await waitFor('the worker to drop its trial folders', () => Object.keys(workerRecords(tmp)).length === 0, 30_000);
    assert.equal(worker.child.exitCode, null, `the worker stays up\n${worker.stderr()}`);

    const again = spawn(coordArgs);
    await expectSuccess(again, 'the resumed sweep');
    assert.doesNotMatch(again.stderr(), /failed/i);
    assert.deepEqual(shas(out), want, 'every trial ends exactly as in the undisturbed run');
    for (const id of ids) {
      const after = readFileSync(join(out, 'exp2', id, 'metrics.jsonl'), 'utf8').split('\n');
      // Records carry their wall-clock time: the same lines mean the steps before the stop were not redone.
      assert.ok(
        before[id].length >= 2 && before[id].every((l) => after.includes(l)),
        `${id} resumed from the checkpoint the worker sent back`,
      );
    }
    assert.deepEqual(tempFiles(out), []);
    worker.kill9();
  });

  it('a worker stopped by SIGTERM sends its trials back checkpointed; another worker resumes them there', async () => {
    const out = join(dir.path, 'leaving');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const tmp = join(dir.path, 'leaving-tmp');
    mkdirSync(tmp);
    const coordinator = spawn(['sweep', file, '--out', out, '--bind', endpoint]);
    const leaving = spawnCli(['worker', '--connect', endpoint, '--threads', '2', '--id', 'leaving'], {
      ...env,
      TMPDIR: tmp,
    });
    procs.push(leaving);
    await waitFor(
      'both trials past their first evaluations on the worker',
      () => ids.every((id) => (workerRecords(tmp)[id] ?? 0) >= 2) || coordinator.child.exitCode !== null,
      240_000,
    );
    leaving.child.kill('SIGTERM');
    assert.equal(await exitCode(leaving, 'the leaving worker'), 143, leaving.stderr());
    assert.doesNotMatch(leaving.stderr(), /failed|Terminating worker thread/, 'no trial cut short on the way out');
    const said = (): string => coordinator.stderr();
    for (const id of ids) {
      await waitFor('the coordinator to store the checkpoint', () =>
        new RegExp(`it stopped trial ${id} at step \\d+ \\(checkpoint kept\\)`).test(said()),
      );
    }
    const before: Record<string, string[]> = {};
    for (const id of ids) {
      before[id] = readFileSync(join(out, 'exp2', id, 'metrics.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    }
    const next = spawn(['worker', '--connect', endpoint, '--threads', '2', '--id', 'next', '--exit-on-bye']);
    await expectSuccess(coordinator, 'the sweep, finished by the next worker');
    await exitCode(next, 'the next worker');
    assert.doesNotMatch(said(), /failed/i);
    assert.deepEqual(shas(out), want, 'every trial ends exactly as in the undisturbed run');
    for (const id of ids) {
      const after = readFileSync(join(out, 'exp2', id, 'metrics.jsonl'), 'utf8').split('\n');
      assert.ok(
        before[id].length >= 2 && before[id].every((l) => after.includes(l)),
        `${id} resumed from the checkpoint the leaving worker sent back`,
      );
    }
  });
});

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
