/**
 * `evoscale run exp1|exp2|exp3` stopped by a signal, as Ctrl-C (SIGINT) or Kubernetes (SIGTERM) does, with real
 * processes: the running trials write their checkpoint at their next step, the process exits 130/143, prints the
 * command that resumes, and that command finishes every trial exactly as an undisturbed run does (same
 * paramsSha256). Off a terminal its log lines are JSON with a level, a time, a message and the run's id.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import {
  expectSuccess,
  freePort,
  killAll,
  spawnCli,
  tempDir,
  waitFor,
  type Proc,
} from '../coordinator/helpers/procs.js';

const dir = tempDir('run-signals');
const procs: Proc[] = [];
after(() => {
  killAll(procs);
  dir.remove();
});

/** One dataset cache for all the runs. */
const env: NodeJS.ProcessEnv = { EVOSCALE_CACHE: join(dir.path, 'cache') };

function spawn(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Proc {
  const p = spawnCli(args, { ...env, ...extraEnv });
  procs.push(p);
  return p;
}

/** paramsSha256 of every finished trial under `<out>/<experiment>/trials`. */
function shas(out: string, experiment: string): Record<string, string> {
  const root = join(out, experiment, 'trials');
  const found: Record<string, string> = {};
  if (!existsSync(root)) return found;
  for (const id of readdirSync(root)) {
    const p = join(root, id, 'summary.json');
    if (existsSync(p)) found[id] = (JSON.parse(readFileSync(p, 'utf8')) as { paramsSha256: string }).paramsSha256;
  }
  return found;
}

/** Evaluation records written so far by each trial (the first is written before any step). */
function records(out: string, experiment: string): number[] {
  const root = join(out, experiment, 'trials');
  if (!existsSync(root)) return [];
  return readdirSync(root).map((id) => {
    const p = join(root, id, 'metrics.jsonl');
    return existsSync(p)
      ? readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => l !== '').length
      : 0;
  });
}

interface LogLine {
  level: string;
  time: string;
  msg: string;
  runId: string;
  [field: string]: unknown;
}

/** The JSON log lines of stderr; the rest must be the command's own closing text (`evoscale: …`, `resume with: …`). */
function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    if (/^(evoscale: |resume with: )/.test(line)) continue;
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      assert.fail(`a stderr line that is neither JSON nor the closing text: ${line}`);
    }
    lines.push(parsed);
  }
  return lines;
}

/** Exit code within a hang guard (a stop that hangs fails here instead of stalling the suite). */
async function exitCode(p: Proc, what: string, guardMs = 60_000): Promise<number | null> {
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

async function stopAndResume(
  experiment: 'exp1' | 'exp2',
  args: string[],
  signal: NodeJS.Signals,
  expected: number,
): Promise<void> {
  const reference = join(dir.path, `${experiment}-reference`);
  await expectSuccess(spawn([...args, '--out', reference]), `the undisturbed ${experiment} run`);
  const want = shas(reference, experiment);

  const out = join(dir.path, `${experiment}-stopped`);
  const first = spawn([...args, '--out', out]);
  // Every trial is past its first evaluation and none has finished (trials of different methods run at different
  // speeds, so no common window of evaluation points is asked for).
  await waitFor(
    'all trials under way',
    () => {
      const r = records(out, experiment);
      const underWay = r.length === Object.keys(want).length && r.every((n) => n >= 2);
      return (underWay && Object.keys(shas(out, experiment)).length === 0) || first.child.exitCode !== null;
    },
    240_000,
  );
  first.child.kill(signal);
  const code = await exitCode(first, `run ${experiment} (${signal})`);
  const stderr = first.stderr();
  assert.equal(code, expected, `exit status after ${signal}\n${stderr}`);
  assert.doesNotMatch(stderr, /Terminating worker thread|\n\s+at /, 'no library error text or stack');

  const logs = logLines(stderr);
  const unfinished = Object.keys(want).filter((id) => shas(out, experiment)[id] === undefined);
  assert.ok(unfinished.length > 0, 'the signal stopped the run before its end');
  for (const id of unfinished) {
    const stop = logs.find((l) => new RegExp(`trial ${id} stopped at step \\d+; checkpoint written`).test(l.msg));
    assert.ok(stop !== undefined, `${id} checkpointed where it stopped\n${stderr}`);
    assert.equal(stop.level, 'warn');
  }
  const resume = /^resume with: (.+)$/m.exec(stderr);
  assert.ok(resume !== null, `prints what to run to resume\n${stderr}`);
  assert.match(resume[1], new RegExp(`^npx evoscale run ${experiment} .*--resume$`));

  await expectSuccess(spawn([...args, '--out', out, '--resume']), `the resumed ${experiment} run`);
  assert.deepEqual(shas(out, experiment), want, 'every trial ends exactly as in the undisturbed run');
}

/** The files of each trial under `<out>/exp3/trials` named `name`, as text (absent ones left out). */
function trialFiles(out: string, name: string): Record<string, string> {
  const root = join(out, 'exp3', 'trials');
  const found: Record<string, string> = {};
  if (!existsSync(root)) return found;
  for (const id of readdirSync(root)) {
    const p = join(root, id, name);
    if (existsSync(p)) found[id] = readFileSync(p, 'utf8');
  }
  return found;
}

/**
 * Experiment 3 runs its trials one after another: the signal comes once the first has finished and the second is
 * past its first evaluation point, so one trial is kept, one stops mid-way and the others never start.
 */
async function stopAndResumeExp3(args: string[], signal: NodeJS.Signals, expected: number): Promise<void> {
  const reference = join(dir.path, 'exp3-reference');
  await expectSuccess(spawn([...args, '--out', reference]), 'the undisturbed exp3 run');
  const want = shas(reference, 'exp3');
  const ids = Object.keys(want).sort();
  assert.ok(ids.length >= 3, `the run has trials to keep, to stop and to leave unstarted: ${ids.join(', ')}`);
  const [first, second] = (
    JSON.parse(readFileSync(join(reference, 'exp3', 'experiment.json'), 'utf8')) as {
      trials: string[];
    }
  ).trials;

  const out = join(dir.path, 'exp3-stopped');
  const run = spawn([...args, '--out', out]);
  const trialRecords = (id: string): number => {
    const p = join(out, 'exp3', 'trials', id, 'metrics.jsonl');
    return existsSync(p)
      ? readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => l !== '').length
      : 0;
  };
  await waitFor(
    'the second trial under way',
    () =>
      (shas(out, 'exp3')[first] !== undefined &&
        shas(out, 'exp3')[second] === undefined &&
        trialRecords(second) >= 2) ||
      run.child.exitCode !== null,
    240_000,
  );
  run.child.kill(signal);
  const code = await exitCode(run, `run exp3 (${signal})`);
  const stderr = run.stderr();
  assert.equal(code, expected, `exit status after ${signal}\n${stderr}`);
  assert.doesNotMatch(stderr, /Terminating worker thread|\n\s+at /, 'no library error text or stack');
  const logs = logLines(stderr);
  assert.deepEqual(Object.keys(shas(out, 'exp3')), [first], 'only the first trial finished');
  const stop = logs.find((l) => new RegExp(`trial ${second} stopped at step \\d+; checkpoint written`).test(l.msg));
  assert.ok(stop !== undefined, `${second} checkpointed where it stopped\n${stderr}`);
  assert.equal(stop.level, 'warn');
  const resume = /^resume with: (.+)$/m.exec(stderr);
  assert.ok(resume !== null, `prints what to run to resume\n${stderr}`);
  assert.match(resume[1], /^npx evoscale run exp3 .*--resume$/);
  assert.deepEqual(
    ids.filter((id) => existsSync(join(out, 'exp3', 'trials', id))),
    [first, second].sort(),
    'no trial started after the signal',
  );
  // The checkpoint is the one written at the stop, not the last periodic one.
  const stoppedAt = Number(/stopped at step (\d+)/.exec(stop.msg)?.[1]);
  const checkpoint = readFileSync(join(out, 'exp3', 'trials', second, 'checkpoints', 'latest.msgpack'));
  assert.equal((new Packr({ moreTypes: true }).unpack(checkpoint) as { step: number }).step, stoppedAt);
  const kept = trialFiles(out, 'summary.json')[first];
  const stoppedMetrics = trialFiles(out, 'metrics.jsonl')[second];
  const before = stoppedMetrics.split('\n').filter((l) => l !== '');

  await expectSuccess(spawn([...args, '--out', out, '--resume']), 'the resumed exp3 run');
  assert.deepEqual(shas(out, 'exp3'), want, 'every trial ends exactly as in the undisturbed run');
  assert.deepEqual(trialFiles(out, 'matched.json'), trialFiles(reference, 'matched.json'), 'the same matched episodes');
  assert.equal(trialFiles(out, 'summary.json')[first], kept, 'the finished trial was kept, not run again');
  const after = trialFiles(out, 'metrics.jsonl')[second].split('\n');
  // Evaluation records carry their wall-clock time: identical lines mean the steps before the stop were not redone.
  const checkpointed = before.filter((l) => after.includes(l));
  assert.ok(checkpointed.length >= 2, `the stopped trial resumed from its checkpoint\n${before.join('\n')}`);
}

describe('run exp1|exp2|exp3: SIGINT/SIGTERM mid-trial, then --resume', () => {
  it('exp1, SIGINT: trials checkpoint at their next step, exit 130, resume ends bit-identically', async () => {
    const args = ['run', 'exp1', '--sizes', '200', '--seeds', '0', '--methods', 'dl_adam,ga_tournament'];
    args.push('--epochs', '3000', '--generations', '400', '--dataset-steps', '20000', '--threads', '2');
    await stopAndResume('exp1', args, 'SIGINT', 130);
  });

  it('exp2, SIGTERM: trials checkpoint at their next step, exit 143, resume ends bit-identically', async () => {
    const args = ['run', 'exp2', '--dataset', 'cartpole', '--fractions', '0.3', '--seeds', '0'];
    // About 5 s a trial on an idle 2-core machine: long enough that the signal lands mid-trial.
    args.push('--methods', 'sgd,ga_fixed_ce', '--sgd-steps', '300000', '--budget', '7500');
    args.push('--dataset-steps', '20000', '--threads', '2');
    await stopAndResume('exp2', args, 'SIGTERM', 143);
  });

  it('exp3, SIGINT: the running trial checkpoints, no other starts, exit 130, resume ends bit-identically', async () => {
    // About 3 s a trial on an idle 2-core machine; the human-likeness hybrid (an in-process objective) runs too.
    const args = ['run', 'exp3', '--synth-participants', '1', '--envs', 'CartPole-v1'];
    args.push('--methods', 'sgd,hybrid_warm_humanlike', '--sgd-steps', '400000');
    await stopAndResumeExp3(args, 'SIGINT', 130);
  });

  it('run --coordinator: a signal ends the --min-workers wait (exit 143, nothing to save)', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'waiting');
    const p = spawn([
      'run',
      'exp1',
      '--sizes',
      '100',
      '--seeds',
      '0',
      '--dataset-steps',
      '20000',
      '--out',
      out,
      '--coordinator',
      endpoint,
    ]);
    await waitFor('the wait for workers', () => p.stderr().includes('waiting for 1 worker'), 120_000);
    p.child.kill('SIGTERM');
    assert.equal(await exitCode(p, 'the waiting coordinator'), 143, p.stderr());
    assert.match(p.stderr(), /stopped before the run began/);
  });
});

describe('log lines of a run', () => {
  const args = (out: string): string[] =>
    ['run', 'exp1', '--sizes', '100', '--seeds', '0', '--methods', 'dl_adam', '--epochs', '2'].concat(
      '--dataset-steps',
      '20000',
      '--threads',
      '1',
      '--out',
      out,
    );

  it('off a terminal: JSON lines with level, time, msg and one runId', async () => {
    const p = spawn(args(join(dir.path, 'json')));
    await expectSuccess(p, 'the run');
    const logs = logLines(p.stderr());
    assert.ok(logs.length > 0, `the run logs something\n${p.stderr()}`);
    for (const l of logs) {
      assert.ok(['info', 'warn', 'error'].includes(l.level), `a level name: ${l.level}`);
      assert.ok(!Number.isNaN(Date.parse(l.time)), `an ISO time: ${l.time}`);
      assert.equal(typeof l.msg, 'string');
    }
    const ids = new Set(logs.map((l) => l.runId));
    assert.equal(ids.size, 1, `one run id on every line: ${[...ids].join(', ')}`);
    assert.match([...ids][0], /^exp1-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  });

  for (const [how, extraArgs, extraEnv] of [
    ['--log-format pretty', ['--log-format', 'pretty'], {}],
    ['EVOSCALE_LOG_FORMAT=pretty', [], { EVOSCALE_LOG_FORMAT: 'pretty' }],
  ] as const) {
    it(`${how}: readable lines (not JSON) that still name the run`, async () => {
      const p = spawn([...args(join(dir.path, `pretty-${extraArgs.length}`)), ...extraArgs], {
        ...extraEnv,
        EVOSCALE_RUN_ID: 'my-run-7',
      });
      await expectSuccess(p, 'the run');
      const lines = p.stderr().split('\n');
      const logged = lines.filter((l) => /^\[\d\d:\d\d:\d\d\] INFO: /.test(l));
      assert.ok(logged.length > 0, `readable INFO lines\n${p.stderr()}`);
      for (const l of logged) assert.match(l, /INFO: my-run-7 /);
      for (const l of lines) assert.ok(!l.startsWith('{'), `no JSON line: ${l}`);
    });
  }

  it('an unknown --log-format is refused, naming the choices', async () => {
    const p = spawn(['--log-format', 'xml', 'run', 'exp1', '--plan']);
    assert.equal(await exitCode(p, 'the refused run'), 1);
    assert.match(p.stderr(), /--log-format must be json or pretty \(got 'xml'\)/);
  });
});
