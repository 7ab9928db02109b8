import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSessions, sessionSplit } from '../../../src/shared/human/index.js';

const MIN = 60_000;
function startsOf(sizes: number[]): number[] {
  const out: number[] = [];
  sizes.forEach((k, s) => {
    for (let r = 0; r < k; r++) out.push(s * 600 * MIN + r * 3 * MIN);
  });
  return out;
}

test('10% of the runs are held out, taken from the end of sessions', () => {
  const sr = assignSessions(startsOf([10, 10, 10, 10]));
  const { train, test: held } = sessionSplit(sr);
  assert.equal(held.length, 4);
  assert.equal(train.length + held.length, 40);
  for (const i of held) assert.equal(sr[i].run, 9, 'the last run of each session');
});

test('every test run comes after every optimisation run of its session', () => {
  const sr = assignSessions(startsOf([3, 7, 5, 12, 4, 9]));
  const { train, test: held } = sessionSplit(sr);
  for (const t of held) for (const o of train) if (sr[o].session === sr[t].session) assert.ok(sr[o].run < sr[t].run);
});

test('train and test partition the episodes', () => {
  const sr = assignSessions(startsOf([3, 7, 5, 12, 4, 9]));
  const { train, test: held } = sessionSplit(sr);
  assert.deepEqual(
    [...train, ...held].sort((a, b) => a - b),
    sr.map((_, i) => i),
  );
  assert.equal(held.length, Math.round(0.1 * sr.length));
});

test('the split is reproducible: the same start times always split the same way, in any input order', () => {
  const starts = startsOf([4, 6, 8, 5, 7]);
  const a = sessionSplit(assignSessions(starts));
  const b = sessionSplit(assignSessions([...starts]));
  assert.deepEqual(a, b);
  const rev = [...starts].reverse();
  const c = sessionSplit(assignSessions(rev));
  const n = starts.length;
  assert.deepEqual(
    c.test.map((i) => n - 1 - i).sort((x, y) => x - y),
    a.test,
  );
});

test('a session never gives its only run to the test set', () => {
  const sr = assignSessions(startsOf([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
  const { test: held } = sessionSplit(sr);
  assert.equal(held.length, 1);
  assert.equal(sr[held[0]].session, 9);
});
