/**
 * LunarLander's constants, ported from Gymnasium's gymnasium/envs/box2d/lunar_lander.py.
 * World units are Box2D metres; SCALE converts them to viewport pixels.
 */

export const FPS = 50;
/** Pixels per metre; also sets how fast-paced the game is. */
export const SCALE = 30;

export const MAIN_ENGINE_POWER = 13;
export const SIDE_ENGINE_POWER = 0.6;

/** Bound of each component of the random force pushed on the lander at reset. */
export const INITIAL_RANDOM = 1000;

/** Lander hull in pixels, relative to its centre. */
export const LANDER_POLY: readonly (readonly [number, number])[] = [
  [-14, +17],
  [-17, 0],
  [-17, -10],
  [+17, -10],
  [+17, 0],
  [+14, +17],
];
export const LEG_AWAY = 20;
export const LEG_DOWN = 18;
export const LEG_W = 2;
export const LEG_H = 8;
export const LEG_SPRING_TORQUE = 40;

export const SIDE_ENGINE_HEIGHT = 14;
export const SIDE_ENGINE_AWAY = 12;
/** Y location of the main engine on the lander's body, in pixels below its centre. */
export const MAIN_ENGINE_Y_LOCATION = 4;

export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;

/** Viewport size in metres. */
export const W = VIEWPORT_W / SCALE;
export const H = VIEWPORT_H / SCALE;

/** Terrain has CHUNKS points; the middle five are flattened into the helipad. */
export const CHUNKS = 11;
export const HELIPAD_Y = H / 4;

/** Box2D world step: 1/FPS seconds, 6·30 velocity and 2·30 position iterations, as Gymnasium calls it. */
export const TIME_STEP = 1 / FPS;
export const VELOCITY_ITERATIONS = 6 * 30;
export const POSITION_ITERATIONS = 2 * 30;

/** Collision categories: the moon is Box2D's default 0x0001; everything else collides only with it. */
export const CATEGORY_GROUND = 0x0001;
export const CATEGORY_LANDER = 0x0010;
export const CATEGORY_LEG = 0x0020;
export const CATEGORY_PARTICLE = 0x0100;

/** Particle life lost per rendered frame (Gymnasium ages particles once per render, i.e. once per step in human mode). */
export const PARTICLE_TTL_DECAY = 0.15;
