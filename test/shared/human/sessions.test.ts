import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSessions, evenlySpaced } from '../../../src/shared/human/index.js';

const MIN = 60_000;

test('five sessions map to the proposal example [-1, -0.5, 0, 0.5, 1]', () => {
  assert.deepEqual(evenlySpaced(5), [-1, -0.5, 0, 0.5, 1]);
});

test('three runs in a session map to the proposal example [-1, 0, 1]', () => {
  assert.deepEqual(evenlySpaced(3), [-1, 0, 1]);
});

test('a lone session or run maps to 0.0', () => {
  assert.deepEqual(evenlySpaced(1), [0]);
});

test("the proposal's example: 5 sessions of 1, 3, 5, … runs get those session and run values", () => {
  // Sessions of 1, 3, 5, 1, 1 runs; sessions hours apart, runs two minutes apart.
  const sizes = [1, 3, 5, 1, 1];
  const starts: number[] = [];
  sizes.forEach((k, s) => {
    for (let r = 0; r < k; r++) starts.push(s * 300 * MIN + r * 2 * MIN);
  });
  const sr = assignSessions(starts);
  const sessionValues = [...new Set(sr.map((x) => x.sessionValue))];
  assert.deepEqual(sessionValues, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(
    sr.filter((x) => x.session === 0).map((x) => x.runValue),
    [0],
  );
  assert.deepEqual(
    sr.filter((x) => x.session === 1).map((x) => x.runValue),
    [-1, 0, 1],
  );
  assert.deepEqual(
    sr.filter((x) => x.session === 2).map((x) => x.runValue),
    [-1, -0.5, 0, 0.5, 1],
  );
});

test('an episode starting exactly 30 minutes after the previous start opens a new session', () => {
  const sr = assignSessions([0, 30 * MIN]);
  assert.deepEqual(
    sr.map((x) => x.session),
    [0, 1],
  );
});

test('an episode starting 29:59 after the previous start is another run of the same session', () => {
  const sr = assignSessions([0, 30 * MIN - 1000]);
  assert.deepEqual(
    sr.map((x) => [x.session, x.run]),
    [
      [0, 0],
      [0, 1],
    ],
  );
});

test('the gap is measured from the previous episode, so a long chain of short gaps stays one session', () => {
  const starts = Array.from({ length: 10 }, (_, i) => i * 20 * MIN); // 3 hours in all
  assert.equal(new Set(assignSessions(starts).map((x) => x.session)).size, 1);
});

test('sessions are assigned in time order whatever the input order, results in input order', () => {
  const sr = assignSessions([120 * MIN, 0, 121 * MIN, 1 * MIN]);
  assert.deepEqual(
    sr.map((x) => [x.session, x.run]),
    [
      [1, 0],
      [0, 0],
      [1, 1],
      [0, 1],
    ],
  );
});
