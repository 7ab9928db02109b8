/**
 * Records one episode as the participant plays it, in the HumanEpisode form the server replays: the reset
 * observation, then per step the action, its time, the observation after it and the reward. Pure: the caller
 * passes the env, the ids and the times, so Node tests drive it exactly as the browser does.
 */
import type { Env } from '../../shared/envs/types.js';
import { HUMAN_EPISODE_FORMAT, HUMAN_EPISODE_VERSION, type HumanEpisode } from '../../shared/human/episode.js';
import { InvalidArgumentError } from '../../shared/errors.js';

export interface EpisodeStart {
  /** Unique id of the episode (the idempotency key of its submission). */
  readonly id: string;
  readonly participant: string;
  /** Seed of `env.reset({ seed })`, an integer in [0, 2^32). */
  readonly seed: number;
  /** Wall-clock time of the first step, ISO 8601 in UTC; step times are milliseconds after it. */
  readonly startedAt: string;
  /** Provenance written into the record's `meta` (app version, frame rate, control scheme…). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** An episode in progress: reset on construction, stepped by `step`, turned into a record by `finish`. */
export class EpisodeRecorder {
  private readonly actions: number[] = [];
  private readonly timestamps: number[] = [];
  private readonly observations: number[][] = [];
  private readonly rewards: number[] = [];
  private terminated = false;
  private truncated = false;
  private total = 0;

  constructor(
    private readonly env: Env,
    private readonly start: EpisodeStart,
  ) {
    this.observations.push(Array.from(env.reset({ seed: start.seed }).obs));
  }

  /** True once the env reported termination or truncation. */
  get done(): boolean {
    return this.terminated || this.truncated;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.actions.length;
  }

  /** Sum of the rewards so far. */
  get return(): number {
    return this.total;
  }

  /** The last action taken, or null before the first step. */
  get lastAction(): number | null {
    return this.actions.length === 0 ? null : this.actions[this.actions.length - 1];
  }

  /** Takes `action` at `elapsedMs` after the start (non-decreasing); returns whether the episode is over. */
  step(action: number, elapsedMs: number): boolean {
    if (this.done) throw new InvalidArgumentError('the episode is over; start a new EpisodeRecorder');
    const prev = this.timestamps.length === 0 ? 0 : this.timestamps[this.timestamps.length - 1];
    const t = Math.max(prev, Math.round(elapsedMs * 1000) / 1000);
    const r = this.env.step(action);
    this.actions.push(action);
    this.timestamps.push(t);
    this.observations.push(Array.from(r.obs));
    this.rewards.push(r.reward);
    this.total += r.reward;
    this.terminated = r.terminated;
    this.truncated = r.truncated;
    return this.done;
  }

  /** The finished episode as a HumanEpisode record. */
  finish(): HumanEpisode {
    if (!this.done) throw new InvalidArgumentError('the episode is not over yet; only finished episodes are recorded');
    return {
      format: HUMAN_EPISODE_FORMAT,
      version: HUMAN_EPISODE_VERSION,
      id: this.start.id,
      participant: this.start.participant,
      envId: this.env.id,
      seed: this.start.seed,
      startedAt: this.start.startedAt,
      actions: this.actions.slice(),
      timestamps: this.timestamps.slice(),
      observations: this.observations.map((o) => o.slice()),
      rewards: this.rewards.slice(),
      terminated: this.terminated,
      truncated: this.truncated,
      synthetic: false,
      ...(this.start.meta !== undefined ? { meta: this.start.meta } : {}),
    };
  }
}
