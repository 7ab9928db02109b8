/**
 * Experiment 3's split. The proposal says both "within each session, 90% runs for optimization, 10% runs for
 * testing" and "train on first 90% of data, test on last 10%"; evoscale honours both: the test set is the LAST runs
 * of each session (chronological within the session, so nothing is learnt from the future of a session), and the
 * number of test runs per session is chosen so the overall share is 10%:
 *   total test runs T = max(1, round(0.1 × N)) (N episodes; round half up), shared among sessions in proportion
 *   to their run counts by largest remainder (ties → the later session), never taking a session's only run or all
 *   of its runs (a session of k ≥ 2 runs gives at most k − 1).
 * No random draw is involved, so the split is a pure function of the start times: the same data always splits
 * the same way.
 */
import { InvalidArgumentError } from '../errors.js';
import type { SessionRun } from './sessions.js';

export interface SessionSplit {
  /** Episode indices (input order) used for optimisation, in time order. */
  readonly train: number[];
  /** Held-out episode indices, in time order. */
  readonly test: number[];
}

/** Splits episodes (their session/run assignment, see assignSessions) into optimisation and test runs. */
export function sessionSplit(sr: readonly SessionRun[], testFraction = 0.1): SessionSplit {
  if (!(testFraction > 0 && testFraction < 1))
    throw new InvalidArgumentError(`test fraction must be in (0, 1), got ${testFraction}`);
  const n = sr.length;
  if (n < 2)
    throw new InvalidArgumentError(`a split needs at least 2 episodes, got ${n}; play (or synthesise) more episodes`);
  const sessions = new Map<number, number[]>();
  sr.forEach((e, i) => {
    let list = sessions.get(e.session);
    if (!list) sessions.set(e.session, (list = []));
    list.push(i);
  });
  const ids = [...sessions.keys()].sort((a, b) => a - b);
  for (const s of ids) sessions.get(s)!.sort((a, b) => sr[a].run - sr[b].run);
  const cap = (k: number): number => (k >= 2 ? k - 1 : 0);
  const capacity = ids.reduce((a, s) => a + cap(sessions.get(s)!.length), 0);
  const total = Math.min(capacity, Math.max(1, Math.floor(testFraction * n + 0.5)));
  if (total === 0) {
    throw new InvalidArgumentError(
      'every session has a single run, so no session can give a test run; a session needs at least 2 runs',
    );
  }
  const quota = ids.map((s) => (total * sessions.get(s)!.length) / n);
  const take = quota.map((q, i) => Math.min(Math.floor(q), cap(sessions.get(ids[i])!.length)));
  let left = total - take.reduce((a, b) => a + b, 0);
  // Largest remainder first; among equal remainders the later session (closer to "the last 10%").
  const byRemainder = ids
    .map((_, i) => i)
    .sort((a, b) => quota[b] - Math.floor(quota[b]) - (quota[a] - Math.floor(quota[a])) || b - a);
  while (left > 0) {
    let progressed = false;
    for (const i of byRemainder) {
      if (left === 0) break;
      if (take[i] < cap(sessions.get(ids[i])!.length)) {
        take[i]++;
        left--;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  const train: number[] = [];
  const test: number[] = [];
  ids.forEach((s, i) => {
    const runs = sessions.get(s)!;
    const cut = runs.length - take[i];
    train.push(...runs.slice(0, cut));
    test.push(...runs.slice(cut));
  });
  const byTime = (a: number, b: number): number => sr[a].session - sr[b].session || sr[a].run - sr[b].run;
  return { train: train.sort(byTime), test: test.sort(byTime) };
}
