/** The ETA arithmetic with a fake clock: trials weigh by their planned work, parallel trials all count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtaModel, createProgress } from '../../src/experiments/progress.js';
import { exp2PlannedWork, MACRO_F1_GENERATION_COST } from '../../src/experiments/planned_work.js';
import { EXP2_DEFAULTS, planExp2 } from '../../src/experiments/exp2.js';

function clock(): { now: () => number; advance: (s: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (s) => (t += s * 1000) };
}

test('a small trial finishing first does not make the ETA collapse: trials weigh by planned work', () => {
  const c = clock();
  // One trial of 1 unit, one of 99: after the small one (10 s), 1% of the work is done.
  const eta = new EtaModel(
    [
      { id: 'small', weight: 1 },
      { id: 'big', weight: 99 },
    ],
    c.now,
  );
  assert.equal(eta.etaSeconds(), undefined, 'no estimate before any work');
  eta.update('small', 0.5);
  c.advance(10);
  eta.finish('small');
  assert.equal(eta.fraction(), 0.01);
  assert.ok(Math.abs((eta.etaSeconds() ?? 0) - 990) < 1e-9, `ETA ${eta.etaSeconds()} s, expected 990 s`);
  // Counting trials instead would say half the run is done and 10 s are left.
});

test('parallel trials all count towards the overall fraction', () => {
  const c = clock();
  const eta = new EtaModel(4, c.now);
  eta.update('#0', 0.5);
  eta.update('#1', 0.5);
  c.advance(20);
  assert.equal(eta.fraction(), 0.25);
  assert.equal(eta.etaSeconds(), 60);
});

test("a trial's own ETA extrapolates its rate since its first update", () => {
  const c = clock();
  const eta = new EtaModel([{ id: 'a', weight: 5 }], c.now);
  c.advance(100); // waiting in the queue does not count against the trial
  eta.update('a', 0);
  assert.equal(eta.trialEtaSeconds('a'), undefined);
  c.advance(30);
  eta.update('a', 0.25);
  assert.equal(eta.trialEtaSeconds('a'), 90);
  eta.finish('a');
  assert.equal(eta.trialEtaSeconds('a'), undefined);
  assert.equal(eta.etaSeconds(), 0);
});

test('the progress line shows the overall and the per-trial ETA', () => {
  const c = clock();
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const p = createProgress(
    [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
    ],
    stream,
    c.now,
  );
  p.update('b', 0, 100);
  c.advance(60);
  p.update('b', 50, 100); // half of b = 1.5 of 4 units in 60 s
  assert.match(lines.at(-1) ?? '', /^\[0\/2 trials, ETA 1m40s\] b {2}50% \(trial ETA 1m00s\)\n$/);
  p.finishTrial('b', 'ok');
  assert.match(lines.at(-1) ?? '', /^\[1\/2 trials, ETA 20s\] done b: ok\n$/);
});

test('exp2: trials weigh their planned steps, a macro-F1 generation 3× a CE one, so a short SGD trial does not end the ETA', () => {
  const cfg = { ...EXP2_DEFAULTS, fractions: [0.3], methods: ['sgd', 'ga_fixed_f1'], sgdSteps: 80_000 };
  const work = exp2PlannedWork(planExp2(cfg), EXP2_DEFAULTS);
  assert.deepEqual(
    work.map((w) => w.weight),
    [0.1, MACRO_F1_GENERATION_COST],
    'a tenth of the default SGD budget; a default macro-F1 GA budget',
  );
  const c = clock();
  const eta = new EtaModel(work, c.now);
  const [sgd, ga] = work.map((w) => w.id);
  eta.update(sgd, 0.5);
  eta.update(ga, 0);
  c.advance(10);
  eta.finish(sgd);
  // 0.1 of 3.1 units in 10 s: 300 s left. Equal weights would have said half done, 10 s left.
  assert.ok(Math.abs((eta.etaSeconds() ?? 0) - 300) < 1e-6, `ETA ${eta.etaSeconds()} s`);
  const bySeconds = exp2PlannedWork(planExp2({ ...cfg, budgetSeconds: 30 }), EXP2_DEFAULTS);
  assert.deepEqual(
    bySeconds.map((w) => w.weight),
    [1, 1],
    'trials given equal wall-clock time weigh the same',
  );
});

test('time before the first trial reports (loading data, starting threads) is not extrapolated over the run', () => {
  const c = clock();
  const eta = new EtaModel([{ id: 'long', weight: 1 }], c.now);
  c.advance(6); // the run's start-up
  eta.update('long', 0);
  c.advance(10);
  eta.update('long', 0.01);
  // 1% in the 10 s since the trial began: 990 s left (counting the start-up would say 1584 s).
  assert.ok(Math.abs((eta.etaSeconds() ?? 0) - 990) < 1e-9, `ETA ${eta.etaSeconds()} s`);
  assert.equal(eta.trialEtaSeconds('long'), eta.etaSeconds(), 'one trial: its ETA is the run’s');
});

test('on a resume, trials finished before this process started do not count as work done in it', () => {
  const c = clock();
  const eta = new EtaModel(4, c.now);
  eta.finish('#0');
  eta.finish('#1'); // finished by an earlier process
  eta.update('#2', 0);
  c.advance(30);
  eta.update('#2', 0.5);
  // Half a trial in 30 s, a trial and a half left: 90 s (not 30 s × 0.375 / 0.625 = 18 s).
  assert.ok(Math.abs((eta.etaSeconds() ?? 0) - 90) < 1e-9, `ETA ${eta.etaSeconds()} s`);
});
