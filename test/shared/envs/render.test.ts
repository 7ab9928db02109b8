import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Acrobot } from '../../../src/shared/envs/acrobot.js';
import { CartPole } from '../../../src/shared/envs/cartpole.js';
import { MountainCar } from '../../../src/shared/envs/mountain_car.js';
import type { Canvas2D } from '../../../src/shared/envs/types.js';

type Point = [number, number];
interface Shape {
  op: 'fill' | 'stroke' | 'fillRect' | 'arc';
  color: string;
  points: Point[];
  radius?: number;
}

/** A Canvas2D that records filled and stroked paths, so tests can check coordinates and colours without a browser. */
function recorder(): Canvas2D & { shapes: Shape[] } {
  const shapes: Shape[] = [];
  let path: Point[] = [];
  let arc: { x: number; y: number; r: number } | null = null;
  const ctx = {
    fillStyle: '' as unknown,
    strokeStyle: '' as unknown,
    lineWidth: 1,
    shapes,
    fillRect: (x: number, y: number, w: number, h: number) =>
      shapes.push({
        op: 'fillRect',
        color: String(ctx.fillStyle),
        points: [
          [x, y],
          [x + w, y + h],
        ],
      }),
    clearRect: () => undefined,
    beginPath: () => {
      path = [];
      arc = null;
    },
    closePath: () => undefined,
    moveTo: (x: number, y: number) => path.push([x, y]),
    lineTo: (x: number, y: number) => path.push([x, y]),
    arc: (x: number, y: number, r: number) => {
      arc = { x, y, r };
    },
    fill: () => {
      if (arc) shapes.push({ op: 'arc', color: String(ctx.fillStyle), points: [[arc.x, arc.y]], radius: arc.r });
      else shapes.push({ op: 'fill', color: String(ctx.fillStyle), points: path.slice() });
    },
    stroke: () => shapes.push({ op: 'stroke', color: String(ctx.strokeStyle), points: path.slice() }),
    save: () => undefined,
    restore: () => undefined,
    translate: () => undefined,
    scale: () => undefined,
    rotate: () => undefined,
  };
  return ctx;
}

const fills = (ctx: { shapes: Shape[] }, color: string): Shape[] =>
  ctx.shapes.filter((s) => s.op === 'fill' && s.color === color);
const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const near = (a: number, b: number, what: string, tol = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe("renderers draw Gymnasium's pygame scenes on a 2D canvas (y flipped to point down)", () => {
  it('CartPole: 600×400 white scene, 50×30 black cart at x·125 + 300, track 100 px above the bottom', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    for (let t = 0; t < 8; t++) env.step(0);
    const [x] = env.state;
    const ctx = recorder();
    env.render(ctx);
    assert.deepEqual(env.renderSize, { width: 600, height: 400 });
    assert.deepEqual(ctx.shapes[0], {
      op: 'fillRect',
      color: 'rgb(255,255,255)',
      points: [
        [0, 0],
        [600, 400],
      ],
    });
    const [cart] = fills(ctx, 'rgb(0,0,0)');
    const xs = cart.points.map((p) => p[0]);
    const ys = cart.points.map((p) => p[1]);
    near((Math.min(...xs) + Math.max(...xs)) / 2, x * 125 + 300, 'cart centre');
    assert.deepEqual([Math.max(...xs) - Math.min(...xs), Math.min(...ys), Math.max(...ys)], [50, 285, 315]);
    const track = ctx.shapes.find((s) => s.op === 'stroke' && s.points[0][1] === 300);
    assert.deepEqual(track?.points, [
      [0, 300],
      [600, 300],
    ]);
  });

  it('CartPole: the brown pole rises 120 px from the axle, leaning by θ (right for θ > 0)', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    for (let t = 0; t < 8; t++) env.step(0);
    const [x, , theta] = env.state;
    assert.ok(theta > 0.02, 'pushing the cart left makes the pole lean right');
    const ctx = recorder();
    env.render(ctx);
    const [pole] = fills(ctx, 'rgb(202,152,101)');
    const axle: Point = [x * 125 + 300, 400 - 107.5];
    // Corners (l,b), (l,t), (r,t), (r,b): the top edge is points 1–2, the bottom edge 0 and 3.
    const top = mid(pole.points[1], pole.points[2]);
    const bottom = mid(pole.points[0], pole.points[3]);
    near(Math.hypot(top[0] - axle[0], top[1] - axle[1]), 120, 'axle to pole top');
    near(Math.hypot(bottom[0] - axle[0], bottom[1] - axle[1]), 5, 'axle to pole bottom');
    near(Math.atan2(top[0] - axle[0], axle[1] - top[1]), theta, 'lean angle');
    near(Math.hypot(pole.points[1][0] - pole.points[2][0], pole.points[1][1] - pole.points[2][1]), 10, 'width');
    const axleDisc = ctx.shapes.find((s) => s.op === 'arc');
    assert.deepEqual(axleDisc, {
      op: 'arc',
      color: 'rgb(129,132,203)',
      points: [[Math.trunc(axle[0]), 400 - 107]],
      radius: 5,
    });
  });

  it('Acrobot: 500×500 scene, cyan links of 500/4.4 px from the centre, yellow joints, black goal line', () => {
    const env = new Acrobot();
    env.reset({ seed: 1 });
    for (let t = 0; t < 12; t++) env.step(2);
    const [t1, t2] = env.state;
    const ctx = recorder();
    env.render(ctx);
    assert.deepEqual(env.renderSize, { width: 500, height: 500 });
    const scale = 500 / 4.4;
    const links = fills(ctx, 'rgb(0,204,204)');
    assert.equal(links.length, 2);
    // Gymnasium's angles: θ1 = 0 hangs straight down; the second link adds θ2 to the first.
    const elbow: Point = [250 + Math.sin(t1) * scale, 250 + Math.cos(t1) * scale];
    const tip: Point = [elbow[0] + Math.sin(t1 + t2) * scale, elbow[1] + Math.cos(t1 + t2) * scale];
    const ends = links.map((l) => [mid(l.points[0], l.points[1]), mid(l.points[2], l.points[3])]);
    near(ends[0][0][0], 250, 'link 1 starts at the pivot x', 1e-9);
    near(ends[0][0][1], 250, 'link 1 starts at the pivot y', 1e-9);
    near(ends[0][1][0], elbow[0], 'elbow x', 1e-9);
    near(ends[0][1][1], elbow[1], 'elbow y', 1e-9);
    near(ends[1][1][0], tip[0], 'tip x', 1e-9);
    near(ends[1][1][1], tip[1], 'tip y', 1e-9);
    const joints = ctx.shapes.filter((s) => s.op === 'arc');
    assert.deepEqual(
      joints.map((j) => [j.color, j.radius]),
      [
        ['rgb(204,204,0)', Math.trunc(0.1 * scale)],
        ['rgb(204,204,0)', Math.trunc(0.1 * scale)],
      ],
    );
    const goal = ctx.shapes.find((s) => s.op === 'stroke');
    assert.deepEqual(goal?.points, [
      [-2.2 * scale + 250, 500 - (scale + 250)],
      [2.2 * scale + 250, 500 - (scale + 250)],
    ]);
  });

  it('MountainCar: 600×400 scene with the hill curve, the black car on it and the yellow flag at 0.5', () => {
    const env = new MountainCar();
    env.reset({ seed: 5 });
    for (let t = 0; t < 40; t++) env.step(2);
    const [pos] = env.state;
    const ctx = recorder();
    env.render(ctx);
    const scale = 600 / 1.8;
    const height = (x: number): number => Math.sin(3 * x) * 0.45 + 0.55;
    const hill = ctx.shapes.find((s) => s.op === 'stroke' && s.points.length === 100);
    assert.ok(hill, 'hill drawn as a 100-point polyline');
    near(hill.points[0][1], 400 - height(-1.2) * scale, 'hill at the left edge');
    near(hill.points[99][0], 600, 'hill reaches the right edge', 1e-6);
    const [car] = fills(ctx, 'rgb(0,0,0)');
    // The car's bottom edge (points 0 and 3) is centred 10 px above the hill, tilted by cos(3·pos).
    const base = mid(car.points[0], car.points[3]);
    near(base[0], (pos + 1.2) * scale, 'car x');
    near(base[1], 400 - (10 + height(pos) * scale), 'car y');
    near(
      Math.atan2(-(car.points[3][1] - car.points[0][1]), car.points[3][0] - car.points[0][0]),
      Math.cos(3 * pos),
      'tilt',
    );
    const wheels = ctx.shapes.filter((s) => s.op === 'arc');
    assert.deepEqual(
      wheels.map((w) => [w.color, w.radius]),
      [
        ['rgb(128,128,128)', 8],
        ['rgb(128,128,128)', 8],
      ],
    );
    const flagX = Math.trunc(1.7 * scale);
    const flagY2 = Math.trunc(height(0.5) * scale) + 50;
    const [flag] = fills(ctx, 'rgb(204,204,0)');
    assert.deepEqual(flag.points, [
      [flagX, 400 - flagY2],
      [flagX, 400 - (flagY2 - 10)],
      [flagX + 25, 400 - (flagY2 - 5)],
    ]);
  });
});
