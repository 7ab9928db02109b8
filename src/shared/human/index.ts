/** Human play data: episode records, session/run (continual-learning) features, experiment 3's split, synthetic players. */
export {
  HUMAN_EPISODE_FORMAT,
  HUMAN_EPISODE_VERSION,
  HumanEpisodeError,
  parseHumanEpisode,
  episodeReturn,
  startMillis,
} from './episode.js';
export type { HumanEpisode } from './episode.js';
export { SESSION_GAP_MINUTES, evenlySpaced, assignSessions, medianOf } from './sessions.js';
export type { SessionRun } from './sessions.js';
export { sessionSplit } from './split.js';
export type { SessionSplit } from './split.js';
export { prepareParticipantEnv, labelledRows, medianTestCl, testEpisodes } from './features.js';
export type { LabelledRows, ParticipantEnvData } from './features.js';
export {
  HUMAN_ENV_IDS,
  syntheticParticipantId,
  syntheticTraits,
  syntheticSkill,
  playSyntheticEpisode,
  synthesizeHumanEpisodes,
} from './synthetic.js';
export type { SyntheticOptions, SyntheticTraits } from './synthetic.js';
export { humanDataset } from './dataset.js';
export { replayEpisode } from './replay.js';
export type { ReplayVerdict } from './replay.js';
