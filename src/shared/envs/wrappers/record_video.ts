/**
 * Gymnasium's `RecordVideo`: captures `render()` frames of an rgb_array env at reset and after every step while
 * recording, and hands each finished video to a `VideoSink` (in Node, `gifFileSink` of `evoscale/node` writes
 * animated GIFs). When recordings start and stop follows Gymnasium exactly: an episode trigger starts one at a reset,
 * a step trigger at a step; with `videoLength` 0 a recording lasts until the next reset (so an episode of n steps
 * gives n + 1 frames), otherwise it stops after `videoLength + 1` frames, across episodes if need be.
 */
import { EnvError } from '../types.js';
import type { ResetOptions } from '../types.js';
import type { RgbFrame } from './rgb_array.js';
import {
  Wrapper,
  type ActOf,
  type CoreEnv,
  type ObsOf,
  type WrapperResetResult,
  type WrapperStepResult,
} from './wrapper.js';

/** What a sink is told when a video gets its first frame. */
export interface VideoInfo {
  /** `<namePrefix>-episode-<k>` or `<namePrefix>-step-<n>`, as Gymnasium names its files (without extension). */
  readonly name: string;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
}

/** Receives one video's frames as they are captured (so long episodes need not be held in memory). */
export interface VideoWriter {
  addFrame(frame: RgbFrame): void;
  /** The video is complete; returns where it was written, if anywhere. */
  close(): string | undefined;
}

/** Where finished videos go: a folder of GIF files, a list in memory, … */
export interface VideoSink {
  open(video: VideoInfo): VideoWriter;
}

/** A video RecordVideo has finished. */
export interface RecordedVideo {
  readonly name: string;
  readonly frames: number;
  readonly fps: number;
  /** What the writer reported (e.g. the file path). */
  readonly location: string | undefined;
}

export interface RecordVideoOptions {
  sink: VideoSink;
  /** Starts a recording at the reset of episode k (0-based) when it returns true. */
  episodeTrigger?: (episode: number) => boolean;
  /** Starts a recording at step n (0-based, counted over all episodes) when it returns true. */
  stepTrigger?: (step: number) => boolean;
  /** Frames per video after the first (0: whole episodes, Gymnasium's default). */
  videoLength?: number;
  /** Default 'rl-video'. */
  namePrefix?: string;
  /** Default: the env's `metadata.renderFps`, else its `renderFps`, else 30. */
  fps?: number;
}

/** The env RecordVideo needs: one whose `render()` returns frames (see `RgbArrayRendering`). */
export interface RgbArrayEnv extends CoreEnv<unknown, never> {
  readonly renderMode: 'rgb_array' | string | undefined;
  render(): RgbFrame;
}

/** Gymnasium's default episode trigger: episodes 0, 1, 8, 27, …, 729 (cubes), then every 1000th. */
export function cappedCubicVideoSchedule(episode: number): boolean {
  if (episode < 1000) return Math.round(Math.cbrt(episode)) ** 3 === episode;
  return episode % 1000 === 0;
}

export class RecordVideo<E extends RgbArrayEnv> extends Wrapper<E> {
  /** Videos finished so far, in order. */
  readonly videos: RecordedVideo[] = [];
  readonly fps: number;
  private readonly sink: VideoSink;
  private readonly episodeTrigger: ((episode: number) => boolean) | undefined;
  private readonly stepTrigger: ((step: number) => boolean) | undefined;
  private readonly videoLength: number;
  private readonly namePrefix: string;
  private recording = false;
  private videoName = '';
  private frames = 0;
  private writer: VideoWriter | null = null;
  private stepId = -1;
  private episodeId = -1;

  constructor(env: E, options: RecordVideoOptions) {
    super(env);
    if (env.renderMode !== 'rgb_array') {
      throw new EnvError(
        `RecordVideo: render mode is ${String(env.renderMode)}, which cannot be recorded; wrap the env for ` +
          `renderMode 'rgb_array' first (in Node: makeRgbArray(id) or withRgbArray(env) from 'evoscale/node').`,
        'ENV_BAD_RENDER_MODE',
      );
    }
    const videoLength = options.videoLength ?? 0;
    if (!Number.isSafeInteger(videoLength) || videoLength < 0) {
      throw new EnvError(
        `RecordVideo: videoLength must be a non-negative integer (0 = whole episodes), got ${String(videoLength)}.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
    this.sink = options.sink;
    this.stepTrigger = options.stepTrigger;
    this.episodeTrigger = options.episodeTrigger ?? (options.stepTrigger ? undefined : cappedCubicVideoSchedule);
    this.videoLength = videoLength === 0 ? Infinity : videoLength;
    this.namePrefix = options.namePrefix ?? 'rl-video';
    const meta = (env as { metadata?: { renderFps?: unknown } }).metadata;
    const envFps = (env as { renderFps?: unknown }).renderFps;
    const fps = options.fps ?? (typeof meta?.renderFps === 'number' ? meta.renderFps : envFps);
    this.fps = typeof fps === 'number' && fps > 0 ? fps : 30;
  }

  /** Whether frames are being captured now. */
  get isRecording(): boolean {
    return this.recording;
  }

  override reset(options?: ResetOptions): WrapperResetResult<ObsOf<E>> {
    const r = super.reset(options);
    this.episodeId += 1;
    if (this.recording && this.videoLength === Infinity) this.stopRecording();
    if (this.episodeTrigger?.(this.episodeId)) this.startRecording(`${this.namePrefix}-episode-${this.episodeId}`);
    this.captureIfRecording();
    return r;
  }

  override step(action: ActOf<E>): WrapperStepResult<ObsOf<E>> {
    const r = super.step(action);
    this.stepId += 1;
    if (this.stepTrigger?.(this.stepId)) this.startRecording(`${this.namePrefix}-step-${this.stepId}`);
    this.captureIfRecording();
    return r;
  }

  /** Closes the env and finishes the video being recorded (Gymnasium saves it on close too). */
  override close(): void {
    super.close();
    if (this.recording) this.stopRecording();
  }

  /** Starts a video now (finishing the current one first). */
  startRecording(name: string): void {
    if (this.recording) this.stopRecording();
    this.recording = true;
    this.videoName = name;
  }

  /** Finishes the current video; a video with no frames is dropped, as Gymnasium does. */
  stopRecording(): void {
    if (!this.recording) {
      throw new EnvError('RecordVideo.stopRecording: no recording was started.', 'ENV_NOT_RECORDING');
    }
    if (this.writer) {
      const location = this.writer.close();
      this.videos.push({ name: this.videoName, frames: this.frames, fps: this.fps, location });
    }
    this.writer = null;
    this.frames = 0;
    this.recording = false;
    this.videoName = '';
  }

  private captureIfRecording(): void {
    if (!this.recording) return;
    const frame = this.env.render();
    if (!this.writer) {
      this.writer = this.sink.open({ name: this.videoName, fps: this.fps, width: frame.width, height: frame.height });
    }
    this.writer.addFrame(frame);
    this.frames += 1;
    if (this.frames > this.videoLength) this.stopRecording();
  }
}
