/** Gymnasium's wrappers, composable over any env (pure and browser-safe; file writing lives in `evoscale/node`). */
export {
  Wrapper,
  type CoreEnv,
  type ObsOf,
  type ActOf,
  type MemberOf,
  type RenderOutput,
  type WrapperResetResult,
  type WrapperStepResult,
} from './wrapper.js';
export { TimeLimit } from './time_limit.js';
export {
  RecordEpisodeStatistics,
  type EpisodeStatistics,
  type RecordEpisodeStatisticsOptions,
} from './record_episode_statistics.js';
export { ClipAction } from './clip_action.js';
export { TransformObservation } from './transform_observation.js';
export { NormalizeObservation, type NormalizeObservationOptions } from './normalize_observation.js';
export { FrameStackObservation, type FrameStackOptions } from './frame_stack.js';
export { RgbArrayRendering, type RgbFrame, type RgbCanvas, type CanvasFactory, type DrawableEnv } from './rgb_array.js';
export {
  RecordVideo,
  cappedCubicVideoSchedule,
  type RecordVideoOptions,
  type RecordedVideo,
  type VideoInfo,
  type VideoSink,
  type VideoWriter,
  type RgbArrayEnv,
} from './record_video.js';
