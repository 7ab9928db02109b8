/**
 * Gymnasium 1.x's `RecordEpisodeStatistics`: at the step that ends an episode, `info.episode = { r, l, t }`
 * (return, length, seconds since the episode began), and the last `bufferLength` episodes in queues.
 */
import { EnvError } from '../types.js';
import type { ResetOptions } from '../types.js';
import {
  Wrapper,
  type ActOf,
  type CoreEnv,
  type ObsOf,
  type WrapperResetResult,
  type WrapperStepResult,
} from './wrapper.js';

/** Gymnasium's `info["episode"]`. */
export interface EpisodeStatistics {
  /** Sum of the episode's rewards. */
  r: number;
  /** Number of steps. */
  l: number;
  /** Seconds from the reset to the last step, rounded to microseconds (0 without a `clock`). */
  t: number;
}

export interface RecordEpisodeStatisticsOptions {
  /** Length of `returnQueue`, `lengthQueue` and `timeQueue` (Gymnasium's `buffer_length`, default 100). */
  bufferLength?: number;
  /** The info key (Gymnasium's `stats_key`, default 'episode'). */
  statsKey?: string;
  /**
   * Seconds on a monotonic clock, for `t`: e.g. `() => performance.now() / 1000`. src/shared reads no clock of
   * its own (a run stays a pure function of its inputs), so without one `t` is 0.
   */
  clock?: () => number;
}

export class RecordEpisodeStatistics<E extends CoreEnv<unknown, never>> extends Wrapper<E> {
  /** Episodes finished since the wrapper was made. */
  episodeCount = 0;
  /** Returns of the last `bufferLength` finished episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` finished episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  /** Durations in seconds of the last `bufferLength` finished episodes, oldest first. */
  readonly timeQueue: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = 0;
  private readonly bufferLength: number;
  private readonly statsKey: string;
  private readonly clock: () => number;

  constructor(env: E, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    this.bufferLength = options.bufferLength ?? 100;
    this.statsKey = options.statsKey ?? 'episode';
    this.clock = options.clock ?? (() => 0);
    if (!Number.isSafeInteger(this.bufferLength) || this.bufferLength <= 0) {
      throw new EnvError(
        `RecordEpisodeStatistics: bufferLength must be a positive integer, got ${String(options.bufferLength)}.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
  }

  override reset(options?: ResetOptions): WrapperResetResult<ObsOf<E>> {
    const r = super.reset(options);
    this.episodeStart = this.clock();
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return r;
  }

  override step(action: ActOf<E>): WrapperStepResult<ObsOf<E>> {
    const r = super.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength += 1;
    if (r.terminated || r.truncated) {
      if (this.statsKey in r.info) {
        throw new EnvError(
          `RecordEpisodeStatistics: info already has a '${this.statsKey}' key (is the wrapper applied twice?); ` +
            `pass another statsKey.`,
          'ENV_BAD_WRAPPER_ARG',
        );
      }
      const now = this.clock();
      const t = Math.round((now - this.episodeStart) * 1e6) / 1e6;
      const stats: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t };
      r.info = { ...r.info, [this.statsKey]: stats };
      push(this.returnQueue, stats.r, this.bufferLength);
      push(this.lengthQueue, stats.l, this.bufferLength);
      push(this.timeQueue, stats.t, this.bufferLength);
      this.episodeCount += 1;
      this.episodeStart = now;
    }
    return r;
  }
}

function push(queue: number[], value: number, max: number): void {
  queue.push(value);
  if (queue.length > max) queue.shift();
}
