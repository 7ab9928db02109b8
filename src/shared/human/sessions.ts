/**
 * Continual-learning information of the proposal (section 2): an episode starting at least 30 minutes after the
 * previous episode's start opens a new session; the episodes of a session are its runs. Session numbers 1..n and,
 * per session, run numbers 1..k are mapped to evenly spaced values in [-1, 1] (a lone value maps to 0).
 */
import { InvalidArgumentError } from '../errors.js';

/** The proposal's gap: "If an episode starts at least 30 minutes after the previous episode". */
export const SESSION_GAP_MINUTES = 30;

export interface SessionRun {
  /** 0-based session index in time order. */
  readonly session: number;
  /** 0-based run index within the session. */
  readonly run: number;
  /** Session value in [-1, 1]. */
  readonly sessionValue: number;
  /** Run value in [-1, 1], spaced over this session's runs. */
  readonly runValue: number;
}

/** n evenly spaced values from -1 to 1 (n = 1 → [0]); the proposal's "remap 1..n to -1..1". */
export function evenlySpaced(n: number): number[] {
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`evenlySpaced needs a positive integer count, got ${n}`);
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
}

/**
 * Session and run of every episode, given start times in milliseconds (any order: results are in input order).
 * The gap is measured between consecutive starts in time order, as the proposal says ("after the previous episode"
 * starts, not ends); a gap of exactly `gapMinutes` opens a new session. Ties keep input order.
 */
export function assignSessions(startMillis: readonly number[], gapMinutes: number = SESSION_GAP_MINUTES): SessionRun[] {
  if (!(gapMinutes > 0))
    throw new InvalidArgumentError(`session gap must be a positive number of minutes, got ${gapMinutes}`);
  startMillis.forEach((t, i) => {
    if (!Number.isFinite(t))
      throw new InvalidArgumentError(`episode ${i}: start time ${t} is not a finite number of milliseconds`);
  });
  const order = startMillis.map((_, i) => i).sort((a, b) => startMillis[a] - startMillis[b] || a - b);
  const gap = gapMinutes * 60_000;
  const sessionOf = new Int32Array(startMillis.length);
  const runOf = new Int32Array(startMillis.length);
  const runsPerSession: number[] = [];
  order.forEach((idx, k) => {
    const newSession = k === 0 || startMillis[idx] - startMillis[order[k - 1]] >= gap;
    if (newSession) runsPerSession.push(0);
    const s = runsPerSession.length - 1;
    sessionOf[idx] = s;
    runOf[idx] = runsPerSession[s]++;
  });
  const sessionValues = startMillis.length > 0 ? evenlySpaced(runsPerSession.length) : [];
  const runValues = runsPerSession.map((k) => evenlySpaced(k));
  return startMillis.map((_, i) => ({
    session: sessionOf[i],
    run: runOf[i],
    sessionValue: sessionValues[sessionOf[i]],
    runValue: runValues[sessionOf[i]][runOf[i]],
  }));
}

/** Median of the given values (mean of the middle two for an even count). */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new InvalidArgumentError('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
