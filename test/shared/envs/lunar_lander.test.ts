import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RevoluteJoint } from 'planck';
import type { RevoluteJointDef } from 'planck';
import { LunarLander } from '../../../src/shared/envs/lunar_lander.js';
import type { LunarLanderOptions } from '../../../src/shared/envs/lunar_lander.js';
import {
  chunkXs,
  createLander,
  createLegs,
  createMoon,
  createWorld,
} from '../../../src/shared/envs/lunar_lander/bodies.js';
import { LegJoint } from '../../../src/shared/envs/lunar_lander/leg_joint.js';
import { EnvError } from '../../../src/shared/envs/types.js';
import type { Canvas2D, StepResult } from '../../../src/shared/envs/types.js';
import { oracleDir } from '../../helpers/paths.js';

interface ResetDrawsCase {
  seed: number;
  terrain_smooth_y: number[];
  initial_force: [number, number];
}
const resetDrawCases: ResetDrawsCase[] = (
  JSON.parse(readFileSync(join(oracleDir, 'rng.json'), 'utf8')) as { lunar_lander_reset_draws: ResetDrawsCase[] }
).lunar_lander_reset_draws;

/** Runs `policy` from reset(seed) to the end of the episode (or `maxSteps`), returning every step. */
function rollout(
  seed: number,
  policy: (obs: Float32Array, t: number) => number,
  options: LunarLanderOptions = {},
  maxSteps = 1000,
): { reset: Float32Array; steps: StepResult[] } {
  const env = new LunarLander(options);
  let obs = env.reset({ seed }).obs;
  const reset = obs;
  const steps: StepResult[] = [];
  for (let t = 0; t < maxSteps; t++) {
    const r = env.step(policy(obs, t));
    steps.push(r);
    obs = r.obs;
    if (r.terminated || r.truncated) break;
  }
  return { reset, steps };
}

/** A fixed pseudo-random action sequence (not the env's generator). */
function scriptedActions(n: number, salt: number): number[] {
  const out: number[] = [];
  let s = salt >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s >>> 30);
  }
  return out;
}

/** Gymnasium's shaping potential, recomputed from a float32 observation. */
function shaping(o: Float32Array): number {
  return -100 * Math.hypot(o[0], o[1]) - 100 * Math.hypot(o[2], o[3]) - 100 * Math.abs(o[4]) + 10 * o[6] + 10 * o[7];
}

/** Keeps the lander level and hovering at y ≈ 0.6 above the pad, never landing. */
function hover(o: Float32Array): number {
  const angleTodo = (o[0] * 0.5 + o[2] - o[4]) * 0.5 - o[5];
  const hoverTodo = (0.6 - o[1]) * 0.5 - o[3] * 0.5;
  if (hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05) return 2;
  if (angleTodo < -0.05) return 3;
  if (angleTodo > 0.05) return 1;
  return 0;
}

describe('LunarLander: Gymnasium contract', () => {
  it('exposes the id, spaces, time limit and render size of Gymnasium LunarLander-v3', () => {
    const env = new LunarLander();
    assert.equal(env.id, 'LunarLander-v3');
    assert.equal(env.actionSpace.n, 4);
    assert.deepEqual(env.observationSpace.shape, [8]);
    assert.deepEqual(env.observationSpace.low, Float32Array.from([-2.5, -2.5, -10, -10, -2 * Math.PI, -10, -0, -0]));
    assert.deepEqual(env.observationSpace.high, Float32Array.from([2.5, 2.5, 10, 10, 2 * Math.PI, 10, 1, 1]));
    assert.equal(env.maxEpisodeSteps, 1000);
    assert.equal(env.renderFps, 50);
    assert.deepEqual(env.renderSize, { width: 600, height: 400 });
  });

  it('returns float32 observations of length 8 with empty info, like Gymnasium', () => {
    const env = new LunarLander();
    const { obs, info } = env.reset({ seed: 1 });
    assert.ok(obs instanceof Float32Array);
    assert.equal(obs.length, 8);
    assert.deepEqual(info, {});
    const r = env.step(0);
    assert.ok(r.obs instanceof Float32Array);
    assert.equal(r.obs.length, 8);
    assert.deepEqual(r.info, {});
  });
});

describe('LunarLander: reset draws match Gymnasium exactly', () => {
  for (const c of resetDrawCases) {
    it(`seed ${c.seed}: terrain heights and initial push equal Gymnasium's`, () => {
      const env = new LunarLander();
      env.reset({ seed: c.seed });
      const draws = env.lastResetDraws;
      assert.ok(draws);
      assert.deepEqual(Array.from(draws.terrainSmoothY), c.terrain_smooth_y);
      assert.deepEqual([...draws.initialForce], c.initial_force);
    });
  }

  it('a reset without a seed keeps drawing from the same generator, after the episode’s dispersion draws', () => {
    // NumPy: default_rng(100), skip 12 heights + 2 force + 2 dispersion per step (reset's step and 3 more).
    const env = new LunarLander();
    env.reset({ seed: 100 });
    for (let t = 0; t < 3; t++) env.step(t % 4);
    env.reset();
    const draws = env.lastResetDraws;
    assert.ok(draws);
    assert.deepEqual(
      Array.from(draws.terrainSmoothY),
      [
        3.0175427367393692, 3.4708827095319394, 3.7050330106052005, 4.096797432462349, 3.3000000000000003,
        3.3000000000000003, 3.3000000000000003, 3.5760944730578412, 2.65737748802287, 2.161438063161844,
        2.228801049773782,
      ],
    );
    assert.deepEqual([...draws.initialForce], [-970.6479394292201, 669.0643439657279]);
  });

  it('the same seed gives the same initial observation; different seeds give different ones', () => {
    const a = new LunarLander().reset({ seed: 42 }).obs;
    const b = new LunarLander().reset({ seed: 42 }).obs;
    const c = new LunarLander().reset({ seed: 43 }).obs;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('starts at the top centre: x ≈ 0, y ≈ 1.4 above the pad, legs in the air', () => {
    for (let seed = 0; seed < 10; seed++) {
      const obs = new LunarLander().reset({ seed }).obs;
      assert.ok(Math.abs(obs[0]) < 0.02, `x ${obs[0]}`);
      assert.ok(Math.abs(obs[1] - 1.4) < 0.03, `y ${obs[1]}`);
      assert.equal(obs[6], 0);
      assert.equal(obs[7], 0);
    }
  });
});

describe('LunarLander: dynamics', () => {
  it('replays the identical trajectory for the same seed and actions', () => {
    const actions = scriptedActions(400, 9);
    const a = rollout(7, (_o, t) => actions[t]);
    const b = rollout(7, (_o, t) => actions[t]);
    assert.deepEqual(a.reset, b.reset);
    assert.equal(a.steps.length, b.steps.length);
    for (let t = 0; t < a.steps.length; t++) assert.deepEqual(a.steps[t], b.steps[t], `step ${t}`);
  });

  it('doing nothing, the lander falls and crashes: terminated with reward −100', () => {
    for (let seed = 0; seed < 5; seed++) {
      const { steps } = rollout(seed, () => 0);
      const last = steps[steps.length - 1];
      assert.equal(last.terminated, true, `seed ${seed}`);
      assert.equal(last.truncated, false);
      assert.equal(last.reward, -100);
      assert.ok(steps.length < 200, `seed ${seed} took ${steps.length} steps`);
      // It fell: y went down from 1.4 towards the ground.
      assert.ok(last.obs[1] < 0.5, `seed ${seed} ended at y ${last.obs[1]}`);
    }
  });

  it('gravity pulls the idle lander down at g·(H/2)/FPS per step in the y-velocity observation', () => {
    const env = new LunarLander();
    env.reset({ seed: 3 });
    // Let the legs settle onto their joint limits first: that takes a couple of frames.
    for (let t = 0; t < 5; t++) env.step(0);
    const o1 = env.step(0).obs;
    const o2 = env.step(0).obs;
    // vy is scaled by (H/2)/FPS = (400/30/2)/50; gravity −10 m/s² over 1/50 s.
    const expected = ((-10 / 50) * (400 / 30 / 2)) / 50;
    assert.ok(Math.abs(o2[3] - o1[3] - expected) < 1e-5, `Δvy ${o2[3] - o1[3]} vs ${expected}`);
  });

  it('the main engine pushes the lander up against gravity', () => {
    const idle = rollout(5, () => 0, {}, 30).steps[29].obs;
    const burn = rollout(5, () => 2, {}, 30).steps[29].obs;
    assert.ok(burn[3] > idle[3] + 0.5, `vy idle ${idle[3]} burn ${burn[3]}`);
  });

  it('the left engine (1) spins the lander one way and the right engine (3) the other', () => {
    const left = rollout(5, () => 1, {}, 10).steps[9].obs;
    const right = rollout(5, () => 3, {}, 10).steps[9].obs;
    // The left engine raises the angle (the heuristic fires it when the angle must grow), the right one lowers it.
    assert.ok(left[5] * right[5] < 0, `ω left ${left[5]} right ${right[5]}`);
    assert.ok(left[5] > 0, `firing left should rotate counter-clockwise, got ω ${left[5]}`);
  });

  it('reward is the change of Gymnasium’s shaping potential minus 0.3 per main and 0.03 per side engine frame', () => {
    const actions = scriptedActions(300, 3);
    const { reset, steps } = rollout(11, (_o, t) => actions[t]);
    let prev = reset;
    for (let t = 0; t < steps.length; t++) {
      const r = steps[t];
      if (r.terminated) break;
      const fuel = actions[t] === 2 ? 0.3 : actions[t] === 0 ? 0 : 0.03;
      const expected = shaping(r.obs) - shaping(prev) - fuel;
      assert.ok(Math.abs(r.reward - expected) < 1e-3, `step ${t}: ${r.reward} vs ${expected}`);
      prev = r.obs;
    }
  });

  it('flying out of the viewport (|x| ≥ 1) terminates with reward −100', () => {
    // Pick a seed whose initial push is strongly sideways, then burn the main engine so it never lands.
    let seed = 0;
    const probe = new LunarLander();
    for (; seed < 100; seed++) {
      probe.reset({ seed });
      if (Math.abs(probe.lastResetDraws?.initialForce[0] ?? 0) > 800) break;
    }
    const { steps } = rollout(seed, () => 2);
    const last = steps[steps.length - 1];
    assert.equal(last.terminated, true);
    assert.ok(Math.abs(last.obs[0]) >= 1, `x ${last.obs[0]}`);
    assert.equal(last.reward, -100);
  });

  it('an episode that never ends by itself is truncated at exactly 1000 steps, not terminated', () => {
    const { steps } = rollout(0, hover);
    assert.equal(steps.length, 1000);
    for (let t = 0; t < 999; t++) assert.equal(steps[t].truncated || steps[t].terminated, false, `step ${t}`);
    assert.equal(steps[999].truncated, true);
    assert.equal(steps[999].terminated, false);
  });

  it('exhaust particles are decoration only: observations and rewards do not change with them', () => {
    const actions = scriptedActions(300, 5);
    const plain = rollout(13, (_o, t) => actions[t]);
    const withParticles = rollout(13, (_o, t) => actions[t], { particles: true });
    assert.deepEqual(withParticles.reset, plain.reset);
    assert.deepEqual(withParticles.steps, plain.steps);
  });

  it('the fast leg joints and their early exit from velocity iterations give bit-identical physics to planck', () => {
    const simulate = (Joint: new (def: RevoluteJointDef) => RevoluteJoint): { trace: number[]; skipped: number } => {
      const world = createWorld(-10);
      createMoon(world, chunkXs(), Float64Array.from(resetDrawCases[0].terrain_smooth_y));
      const lander = createLander(world);
      lander.applyForceToCenter({ x: 400, y: -300 }, true);
      const legs = createLegs(world, lander, Joint);
      const trace: number[] = [];
      // Bursts of thrust, then a fall onto the terrain and rest: flight, contact and sleep all happen.
      for (let t = 0; t < 600; t++) {
        if (t < 150 && t % 7 === 0) {
          lander.applyLinearImpulse({ x: 0.3, y: 2 }, lander.getWorldPoint({ x: 0.2, y: -0.1 }), true);
        }
        world.step(1 / 50, 180, 60);
        for (const b of [lander, ...legs]) {
          trace.push(
            b.getPosition().x,
            b.getPosition().y,
            b.getAngle(),
            b.getLinearVelocity().x,
            b.getAngularVelocity(),
          );
        }
      }
      trace.push(lander.isAwake() ? 1 : 0);
      const joint = world.getJointList();
      const skipped = joint instanceof LegJoint ? (joint.fixpoint?.skippedIterations ?? 0) : 0;
      return { trace, skipped };
    };
    const fast = simulate(LegJoint);
    const stock = simulate(RevoluteJoint);
    assert.ok(fast.skipped > 0, 'the early exit never triggered, so this test checks nothing about it');
    assert.equal(fast.trace.length, stock.trace.length);
    for (let i = 0; i < fast.trace.length; i++) {
      assert.ok(Object.is(fast.trace[i], stock.trace[i]), `value ${i}: ${fast.trace[i]} vs ${stock.trace[i]}`);
    }
  });
});

describe('LunarLander: options', () => {
  it('wind draws its phases after the terrain and push, leaving them as without wind, and moves the lander', () => {
    const calm = new LunarLander();
    const windy = new LunarLander({ enableWind: true });
    const oc = calm.reset({ seed: 21 }).obs;
    const ow = windy.reset({ seed: 21 }).obs;
    assert.deepEqual(windy.lastResetDraws?.terrainSmoothY, calm.lastResetDraws?.terrainSmoothY);
    assert.deepEqual(windy.lastResetDraws?.initialForce, calm.lastResetDraws?.initialForce);
    const { windIdx, torqueIdx } = windy.lastResetDraws ?? {};
    assert.ok(Number.isInteger(windIdx) && Number.isInteger(torqueIdx));
    assert.ok((windIdx as number) >= -9999 && (windIdx as number) < 9999);
    assert.notDeepEqual(ow, oc);
  });

  it('rejects gravity outside Gymnasium’s (−12, 0)', () => {
    assert.throws(() => new LunarLander({ gravity: -12 }), EnvError);
    assert.throws(() => new LunarLander({ gravity: 0 }), EnvError);
    assert.throws(() => new LunarLander({ gravity: Number.NaN }), EnvError);
    assert.doesNotThrow(() => new LunarLander({ gravity: -3.7 }));
  });

  it('weaker gravity makes the idle lander fall more slowly', () => {
    const earthish = rollout(2, () => 0, {}, 20).steps[19].obs;
    const moonish = rollout(2, () => 0, { gravity: -1.6 }, 20).steps[19].obs;
    assert.ok(moonish[3] > earthish[3] + 0.3, `vy ${moonish[3]} vs ${earthish[3]}`);
  });
});

describe('LunarLander: misuse', () => {
  it('rejects actions that are not integers in 0..3, naming the valid range', () => {
    const env = new LunarLander();
    env.reset({ seed: 0 });
    for (const bad of [-1, 4, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => env.step(bad),
        (e: unknown) => e instanceof EnvError && /\[0, 3\]/.test(e.message),
      );
    }
    assert.throws(() => env.step('2' as unknown as number), EnvError);
    // A rejected action does not spoil the episode.
    assert.doesNotThrow(() => env.step(2));
  });

  it('refuses to step before the first reset', () => {
    assert.throws(
      () => new LunarLander().step(0),
      (e: unknown) => e instanceof EnvError && /reset/.test(e.message),
    );
  });

  it('refuses to step after the episode ended until reset', () => {
    const env = new LunarLander();
    env.reset({ seed: 0 });
    let r = env.step(0);
    while (!r.terminated && !r.truncated) r = env.step(0);
    assert.throws(
      () => env.step(0),
      (e: unknown) => e instanceof EnvError && /reset/.test(e.message),
    );
    env.reset();
    assert.doesNotThrow(() => env.step(0));
  });

  it('rejects negative, fractional and non-finite seeds', () => {
    const env = new LunarLander();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => env.reset({ seed: bad }), EnvError);
    }
  });
});

type Call = [string, ...unknown[]];

/** A Canvas2D that records every call and style assignment. */
function recordingCanvas(): { ctx: Canvas2D; calls: Call[] } {
  const calls: Call[] = [];
  const state = { fillStyle: '' as unknown, strokeStyle: '' as unknown, lineWidth: 1 };
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      calls.push([name, ...args]);
    };
  const ctx: Canvas2D = {
    get fillStyle() {
      return state.fillStyle;
    },
    set fillStyle(v: unknown) {
      state.fillStyle = v;
      calls.push(['fillStyle', v]);
    },
    get strokeStyle() {
      return state.strokeStyle;
    },
    set strokeStyle(v: unknown) {
      state.strokeStyle = v;
      calls.push(['strokeStyle', v]);
    },
    get lineWidth() {
      return state.lineWidth;
    },
    set lineWidth(v: number) {
      state.lineWidth = v;
      calls.push(['lineWidth', v]);
    },
    fillRect: record('fillRect'),
    clearRect: record('clearRect'),
    beginPath: record('beginPath'),
    closePath: record('closePath'),
    moveTo: record('moveTo'),
    lineTo: record('lineTo'),
    arc: record('arc'),
    fill: record('fill'),
    stroke: record('stroke'),
    save: record('save'),
    restore: record('restore'),
    translate: record('translate'),
    scale: record('scale'),
    rotate: record('rotate'),
  };
  return { ctx, calls };
}

/** The fill colour in effect at each fill() call. */
function fillColours(calls: Call[]): string[] {
  let current = '';
  const out: string[] = [];
  for (const [name, v] of calls) {
    if (name === 'fillStyle') current = String(v);
    if (name === 'fill') out.push(current);
  }
  return out;
}

describe('LunarLander: rendering', () => {
  it('paints Gymnasium’s picture: white moon, black sky over 10 chunks, purple lander and legs, yellow flags', () => {
    const env = new LunarLander();
    env.reset({ seed: 4 });
    const { ctx, calls } = recordingCanvas();
    env.render(ctx);
    assert.deepEqual(calls[0], ['save']);
    assert.deepEqual(calls.at(-1), ['restore']);
    assert.ok(calls.some((c) => c[0] === 'fillRect' && c[1] === 0 && c[2] === 0 && c[3] === 600 && c[4] === 400));
    // Gymnasium draws y-up and flips the surface; the canvas does it with a transform.
    assert.ok(calls.some((c) => c[0] === 'translate' && c[1] === 0 && c[2] === 400));
    assert.ok(calls.some((c) => c[0] === 'scale' && c[1] === 1 && c[2] === -1));
    const fills = fillColours(calls);
    assert.equal(fills.filter((c) => c === 'rgb(0, 0, 0)').length, 10);
    assert.equal(fills.filter((c) => c === 'rgb(128, 102, 230)').length, 3);
    assert.equal(fills.filter((c) => c === 'rgb(204, 204, 0)').length, 2);
    assert.ok(calls.some((c) => c[0] === 'strokeStyle' && c[1] === 'rgb(77, 77, 128)'));
    // Flag poles stand on the helipad edges (x = 8 m and 12 m → 240 and 360 px) at the pad height (100 px).
    assert.ok(calls.some((c) => c[0] === 'moveTo' && c[1] === 240 && Math.abs((c[2] as number) - 100) < 1e-9));
    assert.ok(calls.some((c) => c[0] === 'moveTo' && c[1] === 360 && Math.abs((c[2] as number) - 100) < 1e-9));
  });

  it('draws the lander where it is: its hull is centred on the observed position', () => {
    const env = new LunarLander();
    const { obs } = env.reset({ seed: 8 });
    const { ctx, calls } = recordingCanvas();
    env.render(ctx);
    // The lander is the first purple fill; its path precedes it.
    const lastFill = calls.findIndex(
      (c, i) => c[0] === 'fill' && fillColours(calls.slice(0, i + 1)).at(-1) === 'rgb(128, 102, 230)',
    );
    let start = lastFill;
    while (calls[start][0] !== 'beginPath') start--;
    const pts = calls.slice(start, lastFill).filter((c) => c[0] === 'moveTo' || c[0] === 'lineTo');
    assert.equal(pts.length, 6);
    const cx = pts.reduce((s, c) => s + (c[1] as number), 0) / 6;
    // obs x = (px/SCALE − W/2)/(W/2): centre pixel = (obs·10 + 10)·30.
    assert.ok(Math.abs(cx - (obs[0] * 10 + 10) * 30) < 2, `hull centre ${cx}`);
  });

  it('rendering is pure: it changes neither the picture on a second call nor the trajectory', () => {
    const env = new LunarLander({ particles: true });
    const other = new LunarLander({ particles: true });
    env.reset({ seed: 6 });
    other.reset({ seed: 6 });
    for (let t = 0; t < 20; t++) {
      const a = t % 2 === 0 ? 2 : 1;
      const first = recordingCanvas();
      const second = recordingCanvas();
      env.render(first.ctx);
      env.render(second.ctx);
      assert.deepEqual(second.calls, first.calls);
      assert.deepEqual(env.step(a), other.step(a));
    }
  });

  it('with particles on, engine exhaust appears as fading discs that expire', () => {
    const env = new LunarLander({ particles: true });
    env.reset({ seed: 6 });
    env.step(2);
    const fresh = recordingCanvas();
    env.render(fresh.ctx);
    const arcs = fresh.calls.filter((c) => c[0] === 'arc');
    assert.equal(arcs.length, 1);
    // One render-frame old: ttl 1 − 0.15 → Gymnasium colour (int(1.0·255), int(0.425·255), int(0.425·255)).
    assert.ok(fillColours(fresh.calls).includes('rgb(255, 108, 108)'));
    for (let t = 0; t < 10; t++) env.step(0);
    const later = recordingCanvas();
    env.render(later.ctx);
    assert.equal(later.calls.filter((c) => c[0] === 'arc').length, 0);
  });

  it('refuses to render before reset', () => {
    assert.throws(() => new LunarLander().render(recordingCanvas().ctx), EnvError);
  });
});
