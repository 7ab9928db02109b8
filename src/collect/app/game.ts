/**
 * One game on the page: shows the env with its own canvas renderer, starts an episode on a start key, steps it at
 * the env's native frame rate (Gymnasium's render_fps) with the action of the keys held, and hands the finished
 * episode over. At most one step per displayed frame: a late frame delays the game rather than running steps the
 * participant never saw (as Gymnasium's `clock.tick(fps)` does); the step times record any such delay.
 */
import { make } from '../../shared/envs/registry.js';
import { LunarLander } from '../../shared/envs/lunar_lander.js';
import type { Env } from '../../shared/envs/types.js';
import type { HumanEpisode } from '../../shared/human/episode.js';
import { chooseAction, controlsFor, HeldKeys, type Controls, type GameKey } from '../client/controls.js';
import { EpisodeRecorder } from '../client/recorder.js';

export type GameState = 'ready' | 'playing' | 'over';

export interface GameHooks {
  /** A finished episode, to be stored and sent. */
  onEpisode(episode: HumanEpisode): void;
  /** The state, step count or return changed. */
  onChange(game: Game): void;
}

/** How long the final frame of an episode stays up before the next episode can be started. */
const END_HOLD_MS = 1000;

/** A fresh random integer in [0, 2^32), from the browser's cryptographic generator. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** A random (v4) UUID; `crypto.randomUUID` exists only on https or localhost, this works on plain http too. */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The env as the participant sees it: LunarLander with Gymnasium's exhaust particles (drawn only; same physics). */
function playableEnv(envId: string): Env {
  return envId === 'LunarLander-v3' ? new LunarLander({ particles: true }) : make(envId);
}

export class Game {
  readonly controls: Controls;
  readonly env: Env;
  private readonly keys = new HeldKeys();
  private readonly ctx: CanvasRenderingContext2D;
  private readonly period: number;
  private stateValue: GameState = 'ready';
  private recorder: EpisodeRecorder | null = null;
  private t0 = 0;
  private nextDue = 0;
  private seed = randomSeed();
  private frame = 0;
  private holdUntil = 0;
  private lastReturnValue: number | null = null;
  private disposed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    envId: string,
    private readonly participant: string,
    /** Provenance for every episode's `meta` (app name and version); the game adds its frame rate and keys. */
    private readonly appMeta: Readonly<Record<string, unknown>>,
    private readonly hooks: GameHooks,
  ) {
    this.controls = controlsFor(envId);
    this.env = playableEnv(envId);
    this.period = 1000 / this.env.renderFps;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('this browser cannot draw on a canvas');
    this.ctx = ctx;
    const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    canvas.width = Math.round(this.env.renderSize.width * dpr);
    canvas.height = Math.round(this.env.renderSize.height * dpr);
    canvas.style.width = `${this.env.renderSize.width}px`;
    this.showReset();
    const loop = (): void => {
      if (this.disposed) return;
      this.tick(performance.now());
      this.frame = requestAnimationFrame(loop);
    };
    this.frame = requestAnimationFrame(loop);
  }

  get state(): GameState {
    return this.stateValue;
  }

  /** Steps of the episode on screen (0 before it starts). */
  get steps(): number {
    return this.recorder?.steps ?? 0;
  }

  /** Return so far of the episode on screen, or of the last one once it is over. */
  get episodeReturn(): number | null {
    return this.recorder?.return ?? this.lastReturnValue;
  }

  /** Keys held now, oldest press first. */
  heldKeys(): readonly GameKey[] {
    return this.keys.held();
  }

  /** A game key went down; `repeat` is the browser's auto-repeat flag. */
  keyDown(key: GameKey, repeat: boolean, now: number): void {
    this.keys.press(key);
    if (!repeat && this.stateValue === 'ready' && now >= this.holdUntil && this.controls.startKeys.includes(key))
      this.start(now);
    this.hooks.onChange(this);
  }

  keyUp(key: GameKey): void {
    this.keys.release(key);
    this.hooks.onChange(this);
  }

  /** The page lost focus: key-up events will not arrive, so no key counts as held any more. */
  releaseAll(): void {
    this.keys.clear();
    this.hooks.onChange(this);
  }

  /** Stops the loop; an episode in progress is dropped (an unfinished episode cannot be replayed). */
  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frame);
  }

  private draw(): void {
    const dpr = this.canvas.width / this.env.renderSize.width;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.env.render(this.ctx);
  }

  private showReset(): void {
    this.env.reset({ seed: this.seed });
    this.draw();
  }

  private start(now: number): void {
    this.recorder = new EpisodeRecorder(this.env, {
      id: randomId(),
      participant: this.participant,
      seed: this.seed,
      startedAt: new Date().toISOString(),
      meta: {
        ...this.appMeta,
        renderFps: this.env.renderFps,
        keys: this.controls.actions,
        noKeyAction: this.controls.idle,
      },
    });
    this.t0 = now;
    this.stateValue = 'playing';
    // The first step is taken at the key press itself, so the start key's action is the episode's first action.
    this.step(now);
    this.nextDue = now + this.period;
  }

  private step(now: number): void {
    const rec = this.recorder as EpisodeRecorder;
    const action = chooseAction(this.controls, this.keys.held(), rec.lastAction);
    const over = rec.step(action, now - this.t0);
    this.draw();
    if (over) {
      const episode = rec.finish();
      this.lastReturnValue = rec.return;
      this.recorder = null;
      this.stateValue = 'over';
      this.holdUntil = now + END_HOLD_MS;
      this.hooks.onEpisode(episode);
    }
    this.hooks.onChange(this);
  }

  private tick(now: number): void {
    if (this.stateValue === 'playing' && now >= this.nextDue) {
      this.step(now);
      this.nextDue += this.period;
      // Fell more than a frame behind (slow machine, hidden tab): resume from now instead of rushing to catch up.
      if (now - this.nextDue > this.period) this.nextDue = now + this.period;
    } else if (this.stateValue === 'over' && now >= this.holdUntil) {
      this.seed = randomSeed();
      this.stateValue = 'ready';
      this.showReset();
      this.hooks.onChange(this);
    }
  }
}
