/**
 * Turns one participant's episodes of one environment into labelled rows for behaviour cloning, with or without
 * the two continual-learning inputs (session value, run value) appended to each observation (obs_dim + 2).
 */
import { datasetEnvSpec } from '../data/envs.js';
import { InvalidArgumentError } from '../errors.js';
import { episodeReturn, startMillis, type HumanEpisode } from './episode.js';
import { assignSessions, medianOf, SESSION_GAP_MINUTES, type SessionRun } from './sessions.js';
import { sessionSplit, type SessionSplit } from './split.js';

/** Rows of (input, action): x is n × inputs row-major. */
export interface LabelledRows {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly inputs: number;
}

/** One participant × env, ready for experiment 3: episodes in time order with their session/run, and the split. */
export interface ParticipantEnvData {
  readonly participant: string;
  readonly envId: string;
  readonly obsDim: number;
  readonly nActions: number;
  /** Episodes sorted by start time. */
  readonly episodes: readonly HumanEpisode[];
  readonly sessionRuns: readonly SessionRun[];
  readonly split: SessionSplit;
  readonly synthetic: boolean;
}

/** Groups, orders and splits one participant's episodes of `envId` (all of them must belong to that pair). */
export function prepareParticipantEnv(
  episodes: readonly HumanEpisode[],
  participant: string,
  envId: string,
  opts: { gapMinutes?: number; testFraction?: number } = {},
): ParticipantEnvData {
  const spec = datasetEnvSpec(envId);
  const mine = episodes.filter((e) => e.participant === participant && datasetEnvSpec(e.envId).id === spec.id);
  if (mine.length === 0) throw new InvalidArgumentError(`no episodes of participant '${participant}' in ${spec.id}`);
  const sorted = [...mine].sort((a, b) => startMillis(a) - startMillis(b));
  const sessionRuns = assignSessions(sorted.map(startMillis), opts.gapMinutes ?? SESSION_GAP_MINUTES);
  return {
    participant,
    envId: spec.id,
    obsDim: spec.obsDim,
    nActions: spec.nActions,
    episodes: sorted,
    sessionRuns,
    split: sessionSplit(sessionRuns, opts.testFraction ?? 0.1),
    synthetic: sorted.some((e) => e.synthetic),
  };
}

/**
 * Labelled rows of the given episodes (indices into `data.episodes`): row = (observation before the action
 * [, session value, run value]), label = the action. The final observation of an episode has no action and no row.
 */
export function labelledRows(data: ParticipantEnvData, indices: readonly number[], withCl: boolean): LabelledRows {
  const d = data.obsDim;
  const inputs = withCl ? d + 2 : d;
  let n = 0;
  for (const i of indices) n += data.episodes[i].actions.length;
  const x = new Float32Array(n * inputs);
  const y = new Int32Array(n);
  let row = 0;
  for (const i of indices) {
    const ep = data.episodes[i];
    const sr = data.sessionRuns[i];
    for (let t = 0; t < ep.actions.length; t++, row++) {
      const o = ep.observations[t];
      for (let j = 0; j < d; j++) x[row * inputs + j] = o[j];
      if (withCl) {
        x[row * inputs + d] = sr.sessionValue;
        x[row * inputs + d + 1] = sr.runValue;
      }
      y[row] = ep.actions[t];
    }
  }
  return { x, y, n, inputs };
}

/** The CL inputs a with-CL model plays with at evaluation: the medians of the test set's session and run values. */
export function medianTestCl(data: ParticipantEnvData): { session: number; run: number } {
  const test = data.split.test.map((i) => data.sessionRuns[i]);
  return { session: medianOf(test.map((s) => s.sessionValue)), run: medianOf(test.map((s) => s.runValue)) };
}

/** Returns of the test episodes, with their reset seeds (the matched-episode evaluation replays these seeds). */
export function testEpisodes(data: ParticipantEnvData): { seeds: number[]; returns: number[] } {
  const eps = data.split.test.map((i) => data.episodes[i]);
  return { seeds: eps.map((e) => e.seed), returns: eps.map(episodeReturn) };
}
