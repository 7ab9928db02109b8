/**
 * The one trial scheduler (`runSweep`) that `run`, `run --coordinator` and `sweep` share: its resume rule, its
 * retries and lost workers, driven through a scripted executor so that each rule is seen on its own.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SlotLostError } from '../../src/coordinator/slot.js';
import { runSweep, SweepInterruptedError, type SweepTrial } from '../../src/coordinator/sweep/run_sweep.js';
import { expMlp } from '../../src/shared/model/mlp.js';
import { Signal, type TrialExecutor } from '../../src/trials/executor.js';
import { EXP2_METHODS } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import type { TrialFolder, TrialSpec, TrialSummary } from '../../src/trials/trial.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-scheduler-'));
after(() => rmSync(root, { recursive: true, force: true }));

function trial(id: string): SweepTrial {
  const spec: TrialSpec = {
    experiment: 'exp2',
    id,
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 1, testFraction: 0.1 },
    method: EXP2_METHODS.sgd,
    model: expMlp(4, 2),
    seed: 5,
    budget: { steps: 10 },
    evalPoints: 2,
    evalEpisodes: 0,
    checkpointEvery: 1,
  };
  return { experiment: 'exp2', spec };
}

function summaryOf(spec: TrialSpec, sha: string): TrialSummary {
  const metrics = { testLoss: 0, testMacroF1: 0.5, testMacroF1Greedy: 0.5, testActionMatch: 0.5 };
  return {
    id: spec.id,
    experiment: spec.experiment,
    method: spec.method.name,
    backend: 'cpu',
    envId: spec.envId,
    seed: spec.seed,
    trainSet: spec.trainSet,
    model: '4-50-2',
    budgetMode: 'steps',
    steps: 10,
    samplesSeen: 0,
    flops: 0,
    wallSeconds: 0,
    final: metrics,
    paramsSha256: sha,
  };
}

/**
 * An executor with `slots` trials at once whose trials do what `script` says on each attempt: finish (writing
 * summary.json, as real executors do), fail, or lose their worker.
 */
function scripted(
  slots: number,
  attempts: number,
  script: (spec: TrialSpec, attempt: number) => 'finish' | 'fail' | 'lose',
): TrialExecutor & { calls: string[] } {
  const signal = new Signal();
  const calls: string[] = [];
  const tries = new Map<string, number>();
  let running = 0;
  return {
    calls,
    attempts,
    free: () => slots - running,
    capacity: () => slots,
    changed: () => signal.wait(),
    async run(spec, dir) {
      running++;
      const attempt = (tries.get(spec.id) ?? 0) + 1;
      tries.set(spec.id, attempt);
      calls.push(spec.id);
      try {
        await new Promise((r) => setImmediate(r));
        const what = script(spec, attempt);
        if (what === 'fail') throw new Error(`${spec.id} broke`);
        if (what === 'lose') throw new SlotLostError('w1', 'connection closed');
        const summary = summaryOf(spec, `run-${attempt}`);
        const folder: TrialFolder = new TrialDirectory(dir);
        folder.begin(spec);
        folder.writeSummary(summary);
        return summary;
      } finally {
        running--;
        signal.fire();
      }
    },
    close: async () => {},
  };
}

describe('the trial scheduler', () => {
  it('keeps finished trials and runs only the others', async () => {
    const out = join(root, 'keep');
    const trials = ['a', 'b', 'c'].map(trial);
    const done = new TrialDirectory(join(out, 'exp2', 'b'));
    done.writeSummary(summaryOf(trials[1].spec, 'earlier'));
    const executor = scripted(2, 1, () => 'finish');
    const result = await runSweep({ out, trials }, executor);
    assert.deepEqual(executor.calls.sort(), ['a', 'c']);
    assert.deepEqual(result.skipped, ['exp2/b']);
    assert.equal(result.summaries['exp2/b'].paramsSha256, 'earlier');
    assert.deepEqual(result.ran.sort(), ['exp2/a', 'exp2/c']);
  });

  it('with resume off, removes earlier results (summaries and checkpoints) and runs every trial from scratch', async () => {
    const out = join(root, 'fresh');
    const trials = ['a', 'b'].map(trial);
    const old = join(out, 'exp2', 'a');
    mkdirSync(join(old, 'checkpoints'), { recursive: true });
    writeFileSync(join(old, 'checkpoints', 'trial.msgpack'), 'stale');
    new TrialDirectory(old).writeSummary(summaryOf(trials[0].spec, 'earlier'));
    const executor = scripted(1, 1, () => 'finish');
    const result = await runSweep({ out, trials }, executor, { resume: false });
    assert.deepEqual(executor.calls.sort(), ['a', 'b']);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.summaries['exp2/a'].paramsSha256, 'run-1');
    assert.equal(existsSync(join(old, 'checkpoints', 'trial.msgpack')), false);
  });

  it('gives a failing trial as many attempts as its executor allows, then reports it, and still runs the rest', async () => {
    const local = scripted(1, 1, (spec) => (spec.id === 'a' ? 'fail' : 'finish'));
    const once = await runSweep({ out: join(root, 'fail1'), trials: ['a', 'b'].map(trial) }, local);
    assert.deepEqual(local.calls, ['a', 'b']);
    assert.deepEqual(once.failed, [{ id: 'exp2/a', error: 'a broke' }]);
    assert.deepEqual(once.ran, ['exp2/b']);

    const remote = scripted(1, 2, (spec, attempt) => (attempt === 1 ? 'fail' : 'finish'));
    const twice = await runSweep({ out: join(root, 'fail2'), trials: [trial('a')] }, remote);
    assert.deepEqual(remote.calls, ['a', 'a']);
    assert.deepEqual(twice.failed, []);
    assert.equal(twice.summaries['exp2/a'].paramsSha256, 'run-2');
  });

  it('puts the trial of a lost worker back in the queue without counting it as a failure', async () => {
    const executor = scripted(1, 1, (spec, attempt) => (attempt <= 2 ? 'lose' : 'finish'));
    const result = await runSweep({ out: join(root, 'lost'), trials: [trial('a')] }, executor);
    assert.deepEqual(executor.calls, ['a', 'a', 'a']);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.ran, ['exp2/a']);
  });

  it('reports a trial failed once it has lost its worker maxLosses times, instead of handing it out for ever', async () => {
    // A trial whose result the coordinator refuses takes down every worker that runs it.
    const executor = scripted(1, 2, (spec) => (spec.id === 'a' ? 'lose' : 'finish'));
    const result = await runSweep({ out: join(root, 'lostever'), trials: ['a', 'b'].map(trial) }, executor, {
      maxLosses: 3,
    });
    assert.deepEqual(executor.calls.filter((id) => id === 'a').length, 3);
    assert.deepEqual(result.ran, ['exp2/b']);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0].id, 'exp2/a');
    assert.match(result.failed[0].error, /lost its worker 3 times \(last: .*connection closed\)/);
  });

  it('stopped right after a worker left (a SIGTERM to every process at once), names that worker’s trial as interrupted', async () => {
    const signal = new Signal();
    const controller = new AbortController();
    let workers = 1;
    const executor: TrialExecutor = {
      attempts: 1,
      free: () => workers,
      capacity: () => workers,
      changed: () => signal.wait(),
      async run() {
        workers--;
        await new Promise((r) => setImmediate(r));
        // The worker says bye (it got the signal first); the coordinator's own signal lands just after.
        setImmediate(() => controller.abort());
        signal.fire();
        throw new SlotLostError('w1', 'said bye (worker stopped by signal)');
      },
      close: async () => {},
    };
    await assert.rejects(
      runSweep({ out: join(root, 'bye'), trials: ['a', 'b'].map(trial) }, executor, { signal: controller.signal }),
      (e: unknown) => e instanceof SweepInterruptedError && e.interrupted.join() === 'exp2/a',
    );
  });
});
