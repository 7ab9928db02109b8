import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import type { Canvas2D } from '../../../src/shared/envs/types.js';

interface Call {
  op: string;
  args: number[];
  fill: string;
}

/** A Canvas2D that records what is drawn, so tests can check coordinates and colours without a browser. */
function recorder(): Canvas2D & { calls: Call[]; fills: { color: string; points: [number, number][] }[] } {
  const calls: Call[] = [];
  const fills: { color: string; points: [number, number][] }[] = [];
  let path: [number, number][] = [];
  const ctx = {
    fillStyle: '' as unknown,
    strokeStyle: '' as unknown,
    lineWidth: 1,
    calls,
    fills,
    fillRect: (...a: number[]) => calls.push({ op: 'fillRect', args: a, fill: String(ctx.fillStyle) }),
    clearRect: () => undefined,
    beginPath: () => {
      path = [];
    },
    closePath: () => undefined,
    moveTo: (x: number, y: number) => path.push([x, y]),
    lineTo: (x: number, y: number) => path.push([x, y]),
    arc: (x: number, y: number, r: number, s: number, e: number) => {
      calls.push({ op: 'arc', args: [x, y, r, s, e], fill: String(ctx.fillStyle) });
    },
    fill: () => fills.push({ color: String(ctx.fillStyle), points: path.slice() }),
    stroke: () => undefined,
    save: () => undefined,
    restore: () => undefined,
    translate: () => undefined,
    scale: () => undefined,
    rotate: () => undefined,
  };
  return ctx;
}

describe('renderers draw what Gymnasium draws', () => {
  it('CartPole: white background, black cart centred at x·scale + 300, 100 px above the bottom', () => {
    const env = make('CartPole-v1');
    env.reset({ seed: 0 });
    const ctx = recorder();
    env.render(ctx);
    assert.deepEqual(ctx.calls[0], { op: 'fillRect', args: [0, 0, 600, 400], fill: 'rgb(255,255,255)' });
    const cart = ctx.fills.find((f) => f.color === 'rgb(0,0,0)');
    assert.ok(cart, 'cart polygon drawn in black');
    const state = (env as unknown as { state: Float64Array }).state;
    const cx = state[0] * (600 / 4.8) + 300;
    const xs = cart.points.map((p) => p[0]);
    const ys = cart.points.map((p) => p[1]);
    assert.ok(Math.abs((Math.min(...xs) + Math.max(...xs)) / 2 - cx) < 1e-9);
    assert.deepEqual([Math.min(...ys), Math.max(...ys)], [400 - 115, 400 - 85]);
    assert.ok(ctx.fills.some((f) => f.color === 'rgb(202,152,101)'), 'pole in Gymnasium brown');
  });

  it('Acrobot and MountainCar draw their links / car and flag in Gymnasium colours', () => {
    const ac = make('Acrobot-v1');
    ac.reset({ seed: 0 });
    const c1 = recorder();
    ac.render(c1);
    assert.equal(c1.fills.filter((f) => f.color === 'rgb(0,204,204)').length, 2);
    const mc = make('MountainCar-v0');
    mc.reset({ seed: 0 });
    const c2 = recorder();
    mc.render(c2);
    assert.ok(c2.fills.some((f) => f.color === 'rgb(204,204,0)'), 'yellow flag');
    for (const f of [...c1.fills, ...c2.fills]) {
      for (const [x, y] of f.points) assert.ok(x >= 0 && x <= 600 && y >= 0 && y <= 500, `point ${x},${y} on canvas`);
    }
  });
});
