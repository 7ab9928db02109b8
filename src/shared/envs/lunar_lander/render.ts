/**
 * Draws LunarLander as Gymnasium's pygame renderer does: black sky above a white moon, the lander and legs in
 * purple with a dark outline, fading exhaust particles and the two yellow helipad flags. Pure canvas calls only.
 */
import type { Body } from 'planck';
import type { Canvas2D } from '../types.js';
import { CHUNKS, H, HELIPAD_Y, SCALE, VIEWPORT_H, VIEWPORT_W } from './constants.js';
import { LANDER_VERTICES, LEG_VERTICES, PARTICLE_RADIUS } from './bodies.js';

/** An exhaust particle and its remaining life (Gymnasium's `ttl`). */
export interface Particle {
  readonly body: Body;
  ttl: number;
}

/** What the renderer reads from the env; nothing is mutated. */
export interface LunarLanderScene {
  readonly chunkX: Float64Array;
  readonly smoothY: Float64Array;
  readonly helipadX1: number;
  readonly helipadX2: number;
  readonly lander: Body;
  readonly legs: readonly Body[];
  readonly particles: readonly Particle[];
}

const SKY = 'rgb(0, 0, 0)';
const MOON = 'rgb(255, 255, 255)';
const BODY_FILL = 'rgb(128, 102, 230)';
const BODY_OUTLINE = 'rgb(77, 77, 128)';
const FLAG_POLE = 'rgb(255, 255, 255)';
const FLAG = 'rgb(204, 204, 0)';

/** Gymnasium's particle colour: red-hot at birth, fading to dark grey as ttl runs out. */
export function particleColor(ttl: number): string {
  const r = Math.trunc(Math.max(0.2, 0.15 + ttl) * 255);
  const gb = Math.trunc(Math.max(0.2, 0.5 * ttl) * 255);
  return `rgb(${r}, ${gb}, ${gb})`;
}

function polygonPath(ctx: Canvas2D, points: readonly number[]): void {
  ctx.beginPath();
  ctx.moveTo(points[0], points[1]);
  for (let i = 2; i < points.length; i += 2) ctx.lineTo(points[i], points[i + 1]);
  ctx.closePath();
}

/** Body-local vertices mapped to pixel coordinates (y up, as before Gymnasium's final flip). */
function bodyPolygon(body: Body, local: readonly { x: number; y: number }[]): number[] {
  const p = body.getPosition();
  const a = body.getAngle();
  const c = Math.cos(a);
  const s = Math.sin(a);
  const out: number[] = [];
  for (const v of local) out.push((p.x + c * v.x - s * v.y) * SCALE, (p.y + s * v.x + c * v.y) * SCALE);
  return out;
}

function drawBody(ctx: Canvas2D, body: Body, local: readonly { x: number; y: number }[]): void {
  polygonPath(ctx, bodyPolygon(body, local));
  ctx.fillStyle = BODY_FILL;
  ctx.fill();
  ctx.strokeStyle = BODY_OUTLINE;
  ctx.stroke();
}

/** Renders the scene onto a VIEWPORT_W × VIEWPORT_H canvas. */
export function renderLunarLander(ctx: Canvas2D, scene: LunarLanderScene): void {
  ctx.save();
  ctx.fillStyle = MOON;
  ctx.fillRect(0, 0, VIEWPORT_W, VIEWPORT_H);
  // Gymnasium draws with y up and flips the finished surface; the canvas transform does the same flip.
  ctx.translate(0, VIEWPORT_H);
  ctx.scale(1, -1);
  ctx.lineWidth = 1;

  ctx.fillStyle = SKY;
  ctx.strokeStyle = SKY;
  for (let i = 0; i < CHUNKS - 1; i++) {
    const x1 = scene.chunkX[i] * SCALE;
    const x2 = scene.chunkX[i + 1] * SCALE;
    polygonPath(ctx, [x1, scene.smoothY[i] * SCALE, x2, scene.smoothY[i + 1] * SCALE, x2, H * SCALE, x1, H * SCALE]);
    ctx.fill();
    ctx.stroke();
  }

  for (const particle of scene.particles) {
    const p = particle.body.getPosition();
    ctx.fillStyle = particleColor(particle.ttl);
    ctx.beginPath();
    ctx.arc(p.x * SCALE, p.y * SCALE, PARTICLE_RADIUS * SCALE, 0, 2 * Math.PI);
    ctx.fill();
  }

  drawBody(ctx, scene.lander, LANDER_VERTICES);
  for (const leg of scene.legs) drawBody(ctx, leg, LEG_VERTICES);

  for (const helipadX of [scene.helipadX1, scene.helipadX2]) {
    const x = helipadX * SCALE;
    const flagy1 = HELIPAD_Y * SCALE;
    const flagy2 = flagy1 + 50;
    ctx.strokeStyle = FLAG_POLE;
    ctx.beginPath();
    ctx.moveTo(x, flagy1);
    ctx.lineTo(x, flagy2);
    ctx.stroke();
    polygonPath(ctx, [x, flagy2, x, flagy2 - 10, x + 25, flagy2 - 5]);
    ctx.fillStyle = FLAG;
    ctx.fill();
    ctx.strokeStyle = FLAG;
    ctx.stroke();
  }
  ctx.restore();
}
