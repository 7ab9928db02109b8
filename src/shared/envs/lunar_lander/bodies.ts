/**
 * Builds LunarLander's Box2D bodies on planck exactly as Gymnasium builds them on pybox2d:
 * the moon's edge chain, the lander hull, two spring-motored legs and the engine particles.
 */
import { BoxShape, CircleShape, EdgeShape, PolygonShape, World } from 'planck';
import type { Body, RevoluteJoint, RevoluteJointDef } from 'planck';
import {
  CATEGORY_GROUND,
  CATEGORY_LANDER,
  CATEGORY_LEG,
  CATEGORY_PARTICLE,
  CHUNKS,
  H,
  LANDER_POLY,
  LEG_AWAY,
  LEG_DOWN,
  LEG_H,
  LEG_SPRING_TORQUE,
  LEG_W,
  SCALE,
  W,
} from './constants.js';
import { LegJoint } from './leg_joint.js';
import { VelocityFixpoint } from './velocity_fixpoint.js';
import type { IteratedJoint } from './velocity_fixpoint.js';

/** Lander hull vertices in metres, body-local. */
export const LANDER_VERTICES: readonly { x: number; y: number }[] = LANDER_POLY.map(([x, y]) => ({
  x: x / SCALE,
  y: y / SCALE,
}));

/** Leg box corners in metres, body-local (Box2D's SetAsBox order). */
export const LEG_VERTICES: readonly { x: number; y: number }[] = [
  { x: -LEG_W / SCALE, y: -LEG_H / SCALE },
  { x: LEG_W / SCALE, y: -LEG_H / SCALE },
  { x: LEG_W / SCALE, y: LEG_H / SCALE },
  { x: -LEG_W / SCALE, y: LEG_H / SCALE },
];

/** Particle radius in metres. */
export const PARTICLE_RADIUS = 2 / SCALE;

/** A new Box2D world with Gymnasium's gravity; sleeping stays on because "not awake" ends an episode. */
export function createWorld(gravity: number): World {
  return new World({ gravity: { x: 0, y: gravity }, allowSleep: true });
}

/** x coordinates of the terrain's chunk boundaries, in metres. */
export function chunkXs(): Float64Array {
  const xs = new Float64Array(CHUNKS);
  for (let i = 0; i < CHUNKS; i++) xs[i] = (W / (CHUNKS - 1)) * i;
  return xs;
}

/** The moon: a static body with a floor edge plus one edge per terrain chunk (Gymnasium's friction 0.1). */
export function createMoon(world: World, chunkX: Float64Array, smoothY: Float64Array): Body {
  const moon = world.createBody({ type: 'static' });
  // pybox2d's CreateStaticBody(shapes=…) uses fixtureDef defaults: density 0, friction 0.2.
  moon.createFixture({ shape: new EdgeShape({ x: 0, y: 0 }, { x: W, y: 0 }), density: 0, friction: 0.2 });
  for (let i = 0; i < CHUNKS - 1; i++) {
    moon.createFixture({
      shape: new EdgeShape({ x: chunkX[i], y: smoothY[i] }, { x: chunkX[i + 1], y: smoothY[i + 1] }),
      density: 0,
      friction: 0.1,
      filterCategoryBits: CATEGORY_GROUND,
    });
  }
  return moon;
}

/** Where the lander starts: top centre of the viewport. */
export const INITIAL_X = W / 2;
export const INITIAL_Y = H;

/** The lander hull: density 5, friction 0.1, colliding with the ground only. */
export function createLander(world: World): Body {
  const lander = world.createBody({ type: 'dynamic', position: { x: INITIAL_X, y: INITIAL_Y }, angle: 0 });
  lander.createFixture({
    shape: new PolygonShape(LANDER_VERTICES.map((v) => ({ x: v.x, y: v.y }))),
    density: 5,
    friction: 0.1,
    restitution: 0,
    filterCategoryBits: CATEGORY_LANDER,
    filterMaskBits: CATEGORY_GROUND,
  });
  return lander;
}

/**
 * The two legs (Gymnasium's legs[0] is on side i = −1, legs[1] on i = +1), each hinged to the lander's centre by a
 * revolute joint whose motor pushes it outwards against its angle limits, acting as a spring. `Joint` lets a test
 * swap in planck's stock RevoluteJoint to check that LegJoint and its early exit change nothing.
 */
export function createLegs(
  world: World,
  lander: Body,
  Joint: new (def: RevoluteJointDef) => RevoluteJoint = LegJoint,
): [Body, Body] {
  const legs: Body[] = [];
  const joints: RevoluteJoint[] = [];
  for (const i of [-1, 1] as const) {
    const leg = world.createBody({
      type: 'dynamic',
      position: { x: INITIAL_X - (i * LEG_AWAY) / SCALE, y: INITIAL_Y },
      angle: i * 0.05,
    });
    // fixtureDef's default friction (0.2) applies: Gymnasium sets none for the legs.
    leg.createFixture({
      shape: new BoxShape(LEG_W / SCALE, LEG_H / SCALE),
      density: 1,
      friction: 0.2,
      restitution: 0,
      filterCategoryBits: CATEGORY_LEG,
      filterMaskBits: CATEGORY_GROUND,
    });
    const joint = new Joint({
      bodyA: lander,
      bodyB: leg,
      localAnchorA: { x: 0, y: 0 },
      localAnchorB: { x: (i * LEG_AWAY) / SCALE, y: LEG_DOWN / SCALE },
      // pybox2d's revoluteJointDef leaves referenceAngle at 0; planck would otherwise take the bodies' current offset.
      referenceAngle: 0,
      enableMotor: true,
      enableLimit: true,
      maxMotorTorque: LEG_SPRING_TORQUE,
      motorSpeed: 0.3 * i, // low enough not to jump back into the sky
      lowerAngle: i === -1 ? 0.9 - 0.5 : -0.9,
      upperAngle: i === -1 ? 0.9 : -0.9 + 0.5,
    });
    world.createJoint(joint);
    legs.push(leg);
    joints.push(joint);
  }
  if (joints.every((j) => j instanceof LegJoint && j.fast)) {
    const fixpoint = new VelocityFixpoint(world);
    for (const j of joints as LegJoint[]) {
      fixpoint.watch(j as unknown as IteratedJoint);
      j.fixpoint = fixpoint;
    }
  }
  return [legs[0], legs[1]];
}

/** An engine exhaust particle: a small bouncy disc of the given density that collides with the ground only. */
export function createParticleBody(world: World, density: number, x: number, y: number): Body {
  const p = world.createBody({ type: 'dynamic', position: { x, y }, angle: 0 });
  p.createFixture({
    shape: new CircleShape({ x: 0, y: 0 }, PARTICLE_RADIUS),
    density,
    friction: 0.1,
    restitution: 0.3,
    filterCategoryBits: CATEGORY_PARTICLE,
    filterMaskBits: CATEGORY_GROUND,
  });
  return p;
}
