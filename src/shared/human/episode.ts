/**
 * One played episode as the collection app and the synthetic players record it: one JSON object per line of a
 * participant's JSONL file. Observations are what the player saw before each action (plus the last one), so
 * row i of a dataset is (observations[i], actions[i], rewards[i]).
 */
import { datasetEnvSpec } from '../data/envs.js';
import { EvoscaleError } from '../errors.js';

/** Format tag and version written into every record, so a reader can refuse files it does not understand. */
export const HUMAN_EPISODE_FORMAT = 'evoscale-human-episode';
export const HUMAN_EPISODE_VERSION = 1;

export interface HumanEpisode {
  readonly format: typeof HUMAN_EPISODE_FORMAT;
  readonly version: number;
  /** Unique id of the episode (idempotency key of submissions). */
  readonly id: string;
  readonly participant: string;
  readonly envId: string;
  /** Seed passed to `reset({ seed })`; replaying the actions from it reproduces the episode. */
  readonly seed: number;
  /** Wall-clock start, ISO 8601 in UTC (e.g. 2025-01-06T09:00:00.000Z). */
  readonly startedAt: string;
  /** Per-step action, in [0, nActions). */
  readonly actions: readonly number[];
  /** Milliseconds since `startedAt` at which each action was taken. */
  readonly timestamps: readonly number[];
  /** actions.length + 1 observations: the reset observation, then the one after each step. */
  readonly observations: readonly (readonly number[])[];
  readonly rewards: readonly number[];
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** True for episodes played by the simulated participants of `dataset synth-human`, never by a person. */
  readonly synthetic: boolean;
  /** Free-form provenance (the synthetic player's traits, the app version…). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A record that is not a valid human episode; the message names the field and what was expected. */
export class HumanEpisodeError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'HUMAN_EPISODE_INVALID');
  }
}

/** The episode's return (sum of rewards, in float64 as Gymnasium sums them). */
export function episodeReturn(ep: Pick<HumanEpisode, 'rewards'>): number {
  let s = 0;
  for (const r of ep.rewards) s += r;
  return s;
}

/** Start time in milliseconds since the Unix epoch. */
export function startMillis(ep: Pick<HumanEpisode, 'startedAt'>): number {
  return Date.parse(ep.startedAt);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function fail(where: string, field: string, expected: string, got: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(got) ?? String(got);
  } catch {
    shown = String(got);
  }
  if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  throw new HumanEpisodeError(`${where}: field '${field}' must be ${expected}, got ${shown}`);
}

function finiteArray(where: string, field: string, v: unknown, length: number): number[] {
  if (!Array.isArray(v) || v.length !== length)
    fail(where, field, `an array of ${length} numbers`, Array.isArray(v) ? `${v.length} items` : v);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) fail(where, `${field}[${i}]`, 'a finite number', v[i]);
  }
  return v as number[];
}

/**
 * Checks that `value` is a well-formed HumanEpisode (types, lengths, action range, monotone timestamps) and returns
 * it typed; `where` names the source (file and line) in errors. Does not replay the env (see the collect server).
 */
export function parseHumanEpisode(value: unknown, where: string): HumanEpisode {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(where, '(record)', 'a JSON object', value);
  const v = value as Record<string, unknown>;
  if (v.format !== HUMAN_EPISODE_FORMAT) fail(where, 'format', `'${HUMAN_EPISODE_FORMAT}'`, v.format);
  if (v.version !== HUMAN_EPISODE_VERSION) fail(where, 'version', String(HUMAN_EPISODE_VERSION), v.version);
  for (const k of ['id', 'participant', 'envId', 'startedAt'] as const) {
    if (typeof v[k] !== 'string' || (v[k] as string).length === 0) fail(where, k, 'a non-empty string', v[k]);
  }
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v.participant as string))
    fail(where, 'participant', 'letters, digits, _ . - (at most 64)', v.participant);
  let spec;
  try {
    spec = datasetEnvSpec(v.envId as string);
  } catch {
    fail(where, 'envId', 'CartPole-v1, Acrobot-v1, MountainCar-v0 or LunarLander-v3', v.envId);
  }
  if (!Number.isSafeInteger(v.seed) || (v.seed as number) < 0 || (v.seed as number) > 0xffffffff)
    fail(where, 'seed', 'an integer in [0, 2^32)', v.seed);
  if (!ISO.test(v.startedAt as string) || !Number.isFinite(Date.parse(v.startedAt as string)))
    fail(where, 'startedAt', 'an ISO 8601 date-time', v.startedAt);
  if (!Array.isArray(v.actions) || v.actions.length === 0)
    fail(where, 'actions', 'a non-empty array of integers', v.actions);
  const n = v.actions.length;
  v.actions.forEach((a: unknown, i: number) => {
    if (!Number.isInteger(a) || (a as number) < 0 || (a as number) >= spec.nActions)
      fail(where, `actions[${i}]`, `an integer in 0..${spec.nActions - 1}`, a);
  });
  const ts = finiteArray(where, 'timestamps', v.timestamps, n);
  for (let i = 1; i < n; i++)
    if (ts[i] < ts[i - 1]) fail(where, `timestamps[${i}]`, `>= timestamps[${i - 1}] (${ts[i - 1]})`, ts[i]);
  finiteArray(where, 'rewards', v.rewards, n);
  if (!Array.isArray(v.observations) || v.observations.length !== n + 1) {
    fail(
      where,
      'observations',
      `an array of ${n + 1} observations (reset + one per action)`,
      Array.isArray(v.observations) ? `${v.observations.length} items` : v.observations,
    );
  }
  (v.observations as unknown[]).forEach((o, i) => finiteArray(where, `observations[${i}]`, o, spec.obsDim));
  for (const k of ['terminated', 'truncated', 'synthetic'] as const) {
    if (typeof v[k] !== 'boolean') fail(where, k, 'true or false', v[k]);
  }
  if (v.meta !== undefined && (typeof v.meta !== 'object' || v.meta === null || Array.isArray(v.meta)))
    fail(where, 'meta', 'an object', v.meta);
  return { ...(v as unknown as HumanEpisode), envId: spec.id };
}
