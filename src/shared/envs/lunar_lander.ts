/**
 * LunarLander-v3 (discrete), ported from Gymnasium's gymnasium/envs/box2d/lunar_lander.py onto planck (Box2D).
 * Reset draws (terrain, initial push, wind phase) come from the NumPy-compatible generator in Gymnasium's order, so a
 * seed gives Gymnasium's own terrain and push; the physics is Box2D-family and matches Gymnasium statistically.
 */
import type { Body, Contact, World } from 'planck';
import { npRandom } from '../rng/numpy.js';
import type { NumpyGenerator } from '../rng/numpy.js';
import {
  checkKeys,
  describeEnv,
  noResetOptions,
  optBoolean,
  optNumber,
  optPositiveInt,
  optionsRecord,
} from './options.js';
import { Box, Discrete } from './spaces.js';
import { EnvError } from './types.js';
import type { Canvas2D, Env, EnvMetadata, EnvSpec, ResetOptions, ResetResult, StepResult } from './types.js';
import {
  CHUNKS,
  FPS,
  H,
  HELIPAD_Y,
  INITIAL_RANDOM,
  LEG_DOWN,
  MAIN_ENGINE_POWER,
  MAIN_ENGINE_Y_LOCATION,
  PARTICLE_TTL_DECAY,
  POSITION_ITERATIONS,
  SCALE,
  SIDE_ENGINE_AWAY,
  SIDE_ENGINE_HEIGHT,
  SIDE_ENGINE_POWER,
  TIME_STEP,
  VELOCITY_ITERATIONS,
  VIEWPORT_H,
  VIEWPORT_W,
  W,
} from './lunar_lander/constants.js';
import {
  chunkXs,
  createLander,
  createLegs,
  createMoon,
  createParticleBody,
  createWorld,
} from './lunar_lander/bodies.js';
import { renderLunarLander } from './lunar_lander/render.js';
import type { Particle } from './lunar_lander/render.js';

/** Constructor options, as Gymnasium's `gym.make('LunarLander-v3', …)` keywords (discrete actions only). */
export interface LunarLanderOptions {
  /**
   * Gymnasium's continuous-action variant. Only `false` is accepted: this port implements the discrete lander, and
   * `true` is refused with an error rather than silently giving discrete actions.
   */
  continuous?: boolean;
  /** Steps after which `truncated` is set (default 1000, as LunarLander-v3's TimeLimit). */
  maxEpisodeSteps?: number;
  /** Gravity along y, strictly between −12 and 0 (default −10). */
  gravity?: number;
  /** Apply Gymnasium's non-periodic wind and turbulence while no leg touches the ground (default false). */
  enableWind?: boolean;
  /** Peak wind force (default 15; Gymnasium recommends 0–20). */
  windPower?: number;
  /** Peak turbulence torque (default 1.5; Gymnasium recommends 0–2). */
  turbulencePower?: number;
  /**
   * Simulate exhaust particles for rendering (default false). Gymnasium creates them only when a render mode is set;
   * they collide with the ground only, never with the lander, and draw no random numbers, so they do not change
   * observations or rewards, only cost time.
   */
  particles?: boolean;
}

/** The random draws of the last reset, in Gymnasium's order, for comparing against Gymnasium itself. */
export interface LunarLanderResetDraws {
  /** Terrain heights after the helipad flattening and smoothing (Gymnasium's `smooth_y`), metres. */
  readonly terrainSmoothY: Float64Array;
  /** The random force pushed on the lander's centre before the first step (Gymnasium's `ApplyForceToCenter`). */
  readonly initialForce: readonly [number, number];
  /** Wind and turbulence phases (Gymnasium's `wind_idx`, `torque_idx`); present only with `enableWind`. */
  readonly windIdx?: number;
  readonly torqueIdx?: number;
}

const NUM_ACTIONS = 4;
const MAX_EPISODE_STEPS = 1000;
const OPTION_KEYS = [
  'continuous',
  'maxEpisodeSteps',
  'gravity',
  'enableWind',
  'windPower',
  'turbulencePower',
  'particles',
] as const;

/** Gymnasium's v3 observation bounds: x, y, vx, vy, angle, angular velocity, leg contacts. */
function observationSpace(): Box {
  return new Box([-2.5, -2.5, -10, -10, -2 * Math.PI, -10, -0, -0], [2.5, 2.5, 10, 10, 2 * Math.PI, 10, 1, 1]);
}

/** One live episode's Box2D state; rebuilt from scratch on every reset, as Gymnasium does since v3. */
interface Episode {
  readonly world: World;
  readonly moon: Body;
  readonly lander: Body;
  readonly legs: readonly [Body, Body];
  readonly chunkX: Float64Array;
  readonly smoothY: Float64Array;
  readonly particles: Particle[];
  readonly legContact: [boolean, boolean];
  gameOver: boolean;
  prevShaping: number | null;
  windIdx: number;
  torqueIdx: number;
  elapsedSteps: number;
  done: boolean;
}

/** Gymnasium's LunarLander-v3 with discrete actions: 0 noop, 1 left engine, 2 main engine, 3 right engine. */
export class LunarLander implements Env {
  readonly id = 'LunarLander-v3';
  readonly observationSpace: Box = observationSpace();
  readonly actionSpace = new Discrete(NUM_ACTIONS);
  readonly maxEpisodeSteps: number;
  readonly renderFps = FPS;
  readonly renderSize = { width: VIEWPORT_W, height: VIEWPORT_H } as const;
  readonly metadata: EnvMetadata = { renderModes: ['human', 'rgb_array'], renderFps: FPS };
  /** Set by `make`; null when constructed directly. */
  readonly spec: EnvSpec | null = null;

  private readonly gravity: number;
  private readonly enableWind: boolean;
  private readonly windPower: number;
  private readonly turbulencePower: number;
  private readonly withParticles: boolean;
  private rng: NumpyGenerator | null = null;
  private episode: Episode | null = null;
  private draws: LunarLanderResetDraws | null = null;
  // Scratch vectors: planck copies what it reads, so one of each serves every impulse.
  private readonly impulse = { x: 0, y: 0 };
  private readonly point = { x: 0, y: 0 };

  constructor(options: LunarLanderOptions = {}) {
    const where = 'LunarLander';
    const opts = optionsRecord(where, options);
    checkKeys(where, opts, OPTION_KEYS);
    if (optBoolean(where, 'continuous', opts.continuous) === true) {
      throw new EnvError(
        `${where}: continuous: true is not supported; evoscale's LunarLander port has discrete actions only ` +
          "(Gymnasium's LunarLanderContinuous-v3 is not available). Omit the option or pass continuous: false.",
        'ENV_UNSUPPORTED_OPTION',
      );
    }
    const gravity = optNumber(where, 'gravity', opts.gravity) ?? -10;
    if (!(gravity > -12 && gravity < 0)) {
      throw new EnvError(`${where}: gravity must be between -12 and 0 (exclusive), got ${gravity}.`, 'ENV_BAD_OPTION');
    }
    this.gravity = gravity;
    this.enableWind = optBoolean(where, 'enableWind', opts.enableWind) ?? false;
    this.windPower = optNumber(where, 'windPower', opts.windPower) ?? 15;
    this.turbulencePower = optNumber(where, 'turbulencePower', opts.turbulencePower) ?? 1.5;
    this.withParticles = optBoolean(where, 'particles', opts.particles) ?? false;
    this.maxEpisodeSteps = optPositiveInt(where, 'maxEpisodeSteps', opts.maxEpisodeSteps) ?? MAX_EPISODE_STEPS;
  }

  get unwrapped(): Env {
    return this;
  }

  /** Drops the physics world; call reset() before stepping again. */
  close(): void {
    this.episode = null;
  }

  toString(): string {
    return describeEnv('LunarLander', this.spec);
  }

  /** The random draws of the last reset (terrain, initial force, wind phases), or null before the first reset. */
  get lastResetDraws(): LunarLanderResetDraws | null {
    return this.draws;
  }

  /** Builds a new moon and lander from the seeded generator and takes Gymnasium's initial no-op step. */
  reset(options: ResetOptions = {}): ResetResult {
    noResetOptions(this.id, options.options);
    const { seed } = options;
    if (seed !== undefined) {
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
        throw new EnvError(`LunarLander.reset: seed must be a non-negative integer, got ${String(seed)}.`);
      }
      this.rng = npRandom(seed);
    } else if (this.rng === null) {
      this.rng = npRandom();
    }
    const rng = this.rng;

    // Terrain: CHUNKS+1 random heights, the middle five flattened to the helipad, then a 3-point moving average
    // (index −1 wraps to the last height, as Python's negative indexing does).
    const height = rng.uniformArray(0, H / 2, CHUNKS + 1);
    for (let k = -2; k <= 2; k++) height[(CHUNKS >> 1) + k] = HELIPAD_Y;
    const smoothY = new Float64Array(CHUNKS);
    for (let i = 0; i < CHUNKS; i++) {
      smoothY[i] = 0.33 * (height[(i - 1 + height.length) % height.length] + height[i] + height[i + 1]);
    }
    const chunkX = chunkXs();

    const world = createWorld(this.gravity);
    const moon = createMoon(world, chunkX, smoothY);
    const lander = createLander(world);
    const fx = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    const fy = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    lander.applyForceToCenter({ x: fx, y: fy }, true);
    let windIdx = 0;
    let torqueIdx = 0;
    if (this.enableWind) {
      windIdx = rng.integers(-9999, 9999);
      torqueIdx = rng.integers(-9999, 9999);
    }
    const legs = createLegs(world, lander);

    const episode: Episode = {
      world,
      moon,
      lander,
      legs,
      chunkX,
      smoothY,
      particles: [],
      legContact: [false, false],
      gameOver: false,
      prevShaping: null,
      windIdx,
      torqueIdx,
      elapsedSteps: 0,
      done: false,
    };
    this.listenForContacts(episode);
    this.episode = episode;
    this.draws = this.enableWind
      ? { terrainSmoothY: smoothY.slice(), initialForce: [fx, fy], windIdx, torqueIdx }
      : { terrainSmoothY: smoothY.slice(), initialForce: [fx, fy] };

    // Gymnasium's reset returns the observation of one no-op step (which also draws the engines' dispersion).
    const first = this.advance(episode, 0);
    return { obs: first.obs, info: {} };
  }

  /** Fires the chosen engine for one frame (1/50 s) and returns Gymnasium's observation, reward and flags. */
  step(action: number): StepResult {
    const episode = this.episode;
    if (episode === null) throw new EnvError('LunarLander.step: call reset() before step().');
    if (episode.done) {
      throw new EnvError('LunarLander.step: the episode has ended (terminated or truncated); call reset() first.');
    }
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= NUM_ACTIONS) {
      throw new EnvError(
        `LunarLander.step: action must be an integer in [0, ${NUM_ACTIONS - 1}] ` +
          `(0 noop, 1 left engine, 2 main engine, 3 right engine), got ${String(action)}.`,
      );
    }
    const result = this.advance(episode, action);
    episode.elapsedSteps++;
    // Gymnasium's TimeLimit wrapper: truncation at the limit, even on the step that also terminates.
    if (episode.elapsedSteps >= this.maxEpisodeSteps) result.truncated = true;
    if (result.terminated || result.truncated) episode.done = true;
    return result;
  }

  /** Draws the current frame as Gymnasium's pygame renderer does (600×400, y up). */
  render(ctx: Canvas2D): void {
    const episode = this.episode;
    if (episode === null) throw new EnvError('LunarLander.render: call reset() before render().');
    renderLunarLander(ctx, {
      chunkX: episode.chunkX,
      smoothY: episode.smoothY,
      helipadX1: episode.chunkX[(CHUNKS >> 1) - 1],
      helipadX2: episode.chunkX[(CHUNKS >> 1) + 1],
      lander: episode.lander,
      legs: episode.legs,
      particles: episode.particles,
    });
  }

  /** Gymnasium's ContactDetector: the hull touching the moon ends the game; legs report ground contact. */
  private listenForContacts(episode: Episode): void {
    const { lander, legs, legContact } = episode;
    episode.world.on('begin-contact', (contact: Contact) => {
      const a = contact.getFixtureA().getBody();
      const b = contact.getFixtureB().getBody();
      if (a === lander || b === lander) episode.gameOver = true;
      if (a === legs[0] || b === legs[0]) legContact[0] = true;
      if (a === legs[1] || b === legs[1]) legContact[1] = true;
    });
    episode.world.on('end-contact', (contact: Contact) => {
      const a = contact.getFixtureA().getBody();
      const b = contact.getFixtureB().getBody();
      if (a === legs[0] || b === legs[0]) legContact[0] = false;
      if (a === legs[1] || b === legs[1]) legContact[1] = false;
    });
  }

  /** Gymnasium's LunarLander.step without the TimeLimit wrapper; `action` is already validated. */
  private advance(episode: Episode, action: number): StepResult {
    const rng = this.rng as NumpyGenerator;
    const { lander, world } = episode;

    if (this.enableWind && !(episode.legContact[0] || episode.legContact[1])) {
      // tanh(sin(2k t) + sin(πk t)) with k = 0.01 is never periodic.
      const windMag =
        Math.tanh(Math.sin(0.02 * episode.windIdx) + Math.sin(Math.PI * 0.01 * episode.windIdx)) * this.windPower;
      episode.windIdx++;
      this.impulse.x = windMag;
      this.impulse.y = 0;
      lander.applyForceToCenter(this.impulse, true);
      const torqueMag =
        Math.tanh(Math.sin(0.02 * episode.torqueIdx) + Math.sin(Math.PI * 0.01 * episode.torqueIdx)) *
        this.turbulencePower;
      episode.torqueIdx++;
      lander.applyTorque(torqueMag, true);
    }

    // tip = (sin θ, cos θ) is the lander's up axis; side = (−cos θ, sin θ) points to its left.
    const angle = lander.getAngle();
    const tip0 = Math.sin(angle);
    const tip1 = Math.cos(angle);
    const side0 = -tip1;
    const side1 = tip0;
    // Drawn every step, engines firing or not, exactly as Gymnasium does.
    const dispersion0 = rng.uniform(-1, 1) / SCALE;
    const dispersion1 = rng.uniform(-1, 1) / SCALE;
    const pos = lander.getPosition();

    let mPower = 0;
    if (action === 2) {
      mPower = 1;
      // Main engine sits MAIN_ENGINE_Y_LOCATION below the centre, jittered by the dispersion.
      const ox = tip0 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion0) + side0 * dispersion1;
      const oy = -tip1 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion0) - side1 * dispersion1;
      this.fire(episode, ox, oy, pos.x + ox, pos.y + oy, MAIN_ENGINE_POWER * mPower, 3.5, mPower);
    }

    let sPower = 0;
    if (action === 1 || action === 3) {
      const direction = action - 2;
      sPower = 1;
      const ox = tip0 * dispersion0 + side0 * (3 * dispersion1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const oy = -tip1 * dispersion0 - side1 * (3 * dispersion1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      // Gymnasium uses 17 (not SIDE_ENGINE_HEIGHT) for the x offset, making the side torque depend on the
      // lander's orientation; kept for faithfulness.
      const px = pos.x + ox - (tip0 * 17) / SCALE;
      const py = pos.y + oy + (tip1 * SIDE_ENGINE_HEIGHT) / SCALE;
      this.fire(episode, ox, oy, px, py, SIDE_ENGINE_POWER * sPower, 0.7, sPower);
    }

    world.step(TIME_STEP, VELOCITY_ITERATIONS, POSITION_ITERATIONS);

    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    const s0 = (p.x - W / 2) / (W / 2);
    const s1 = (p.y - (HELIPAD_Y + LEG_DOWN / SCALE)) / (H / 2);
    const s2 = (v.x * (W / 2)) / FPS;
    const s3 = (v.y * (H / 2)) / FPS;
    const s4 = lander.getAngle();
    const s5 = (20 * lander.getAngularVelocity()) / FPS;
    const s6 = episode.legContact[0] ? 1 : 0;
    const s7 = episode.legContact[1] ? 1 : 0;
    const obs = new Float32Array(8);
    obs[0] = s0;
    obs[1] = s1;
    obs[2] = s2;
    obs[3] = s3;
    obs[4] = s4;
    obs[5] = s5;
    obs[6] = s6;
    obs[7] = s7;

    // Potential-based shaping: closer, slower, more level and legs down is better.
    const shaping =
      -100 * Math.sqrt(s0 * s0 + s1 * s1) - 100 * Math.sqrt(s2 * s2 + s3 * s3) - 100 * Math.abs(s4) + 10 * s6 + 10 * s7;
    let reward = episode.prevShaping === null ? 0 : shaping - episode.prevShaping;
    episode.prevShaping = shaping;
    reward -= mPower * 0.3; // fuel: about −30 for a heuristic landing
    reward -= sPower * 0.03;

    let terminated = false;
    if (episode.gameOver || Math.abs(s0) >= 1) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
    }

    if (this.withParticles) this.ageParticles(episode);
    return { obs, reward, terminated, truncated: false, info: {} };
  }

  /**
   * Pushes the lander by −(ox, oy)·power at (px, py); with particles on, also spawns one pushed the other way.
   * `particleMass` and `ttl` are Gymnasium's (3.5 and m_power for the main engine, 0.7 and s_power for the sides).
   */
  private fire(
    episode: Episode,
    ox: number,
    oy: number,
    px: number,
    py: number,
    power: number,
    particleMass: number,
    ttl: number,
  ): void {
    this.point.x = px;
    this.point.y = py;
    if (this.withParticles) {
      const body = createParticleBody(episode.world, particleMass, px, py);
      episode.particles.push({ body, ttl });
      this.cleanParticles(episode);
      this.impulse.x = ox * power;
      this.impulse.y = oy * power;
      body.applyLinearImpulse(this.impulse, this.point, true);
    }
    this.impulse.x = -ox * power;
    this.impulse.y = -oy * power;
    episode.lander.applyLinearImpulse(this.impulse, this.point, true);
  }

  /**
   * Gymnasium ages particles in render(), once per frame in human mode; here once per step, so render() stays pure
   * and a rendered step looks as Gymnasium's human mode does.
   */
  private ageParticles(episode: Episode): void {
    for (const particle of episode.particles) particle.ttl -= PARTICLE_TTL_DECAY;
    this.cleanParticles(episode);
  }

  /** Destroys expired particles from the oldest on, stopping at the first live one (Gymnasium's _clean_particles). */
  private cleanParticles(episode: Episode): void {
    const { particles, world } = episode;
    while (particles.length > 0 && particles[0].ttl < 0) {
      world.destroyBody((particles.shift() as Particle).body);
    }
  }
}
