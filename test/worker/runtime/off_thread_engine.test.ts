/**
 * The coordinator's local engine and a worker's shard engine (OffThreadEngine): a run evaluated on it gives the
 * same final parameters and fitness histories whatever its thread count, as on the calling thread itself; a
 * dataset run goes through the engine's shared-memory pool on every thread it was given; and the calling thread's
 * event loop keeps turning while a generation is evaluated.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe, type GenerationRecord } from '../../../src/coordinator/ne_run.js';
import { shareState } from '../../../src/shared/algorithms/state.js';
import { OffThreadEngine } from '../../../src/worker/runtime/off_thread_engine.js';
import { buildRunContext } from '../../../src/worker/runtime/run_context.js';
import { specKey } from '../../../src/worker/runtime/spec_key.js';
import { datasetSpec, rolloutSpec } from '../../coordinator/helpers/specs.js';
import { tempDir } from '../../coordinator/helpers/procs.js';

const dir = tempDir('off-thread-engine');
const engines: OffThreadEngine[] = [];
function engine(threads: number): OffThreadEngine {
  const e = new OffThreadEngine(threads);
  engines.push(e);
  return e;
}

describe('generations evaluated off the calling thread', () => {
  before(() => {
    process.env.EVOSCALE_CACHE = join(dir.path, 'cache');
  });
  after(async () => {
    await Promise.all(engines.map((e) => e.close()));
    dir.remove();
  });

  it('a dataset run gives the same result on 1, 2 and 3 local threads as on the calling thread', async () => {
    const spec = datasetSpec({ populationSize: 48, generations: 6 });
    const inline = await runNe(spec, { placement: 'local' });
    for (const threads of [1, 2, 3]) {
      const placements: GenerationRecord['placement'][] = [];
      const r = await runNe(spec, {
        placement: 'local',
        localEngine: engine(threads),
        onGeneration: (g) => placements.push(g.placement),
      });
      assert.equal(r.paramsSha256, inline.paramsSha256, `${threads} thread(s)`);
      assert.deepEqual(r.fitnessHistory, inline.fitnessHistory, `${threads} thread(s)`);
      assert.deepEqual(new Set(placements), new Set(['local']));
    }
  });

  it('a rollout run gives the same result on 2 local threads as on the calling thread', async () => {
    const spec = rolloutSpec({ generations: 4 });
    const inline = await runNe(spec, { placement: 'local' });
    const r = await runNe(spec, { placement: 'local', localEngine: engine(2) });
    assert.equal(r.paramsSha256, inline.paramsSha256);
    assert.deepEqual(r.fitnessHistory, inline.fitnessHistory);
  });

  it('splits a dataset generation over every thread it was given, and reports them', async () => {
    const spec = datasetSpec({ populationSize: 40 });
    const ctx = await buildRunContext(spec);
    const state = shareState(ctx.initialState());
    const reference = await ctx.evaluateRows(shareState(ctx.initialState()), 0, 40);
    const r = await engine(3).run(spec, specKey(spec), state, 0, 40);
    assert.equal(r.threads, 3);
    assert.deepEqual(Array.from(r.fitness), Array.from(reference));
  });

  it("keeps the calling thread's event loop turning while a generation is evaluated", async () => {
    // Seconds of work, not milliseconds: 4 000 agents of 4→50→2 on the whole training set (about 1 600 rows).
    const spec = datasetSpec({
      populationSize: 4000,
      task: {
        kind: 'dataset',
        dataset: 'cartpole',
        datasetSteps: 2000,
        split: { kind: 'exp2', seed: 0, testFraction: 0.1, fraction: 0.9 },
        fitness: 'ce',
        batchSize: 'all',
        trials: 10,
      },
    });
    const ctx = await buildRunContext(spec);
    const e = engine(2);
    // Warm up (context, threads, kernels), so that what follows is one generation's evaluation.
    await e.run(spec, specKey(spec), shareState(ctx.initialState()), 0, 8);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let pending = true;
    const work = e.run(spec, specKey(spec), shareState(ctx.initialState()), 0, 4000).finally(() => (pending = false));
    // Timers fire while the evaluation is still running: the caller only waits for it.
    while (pending && ticks < 3) await new Promise((r) => setTimeout(r, 1));
    const ticksWhilePending = pending ? ticks : -1;
    await work;
    clearInterval(timer);
    assert.ok(ticksWhilePending >= 3, 'timers ran before the generation finished');
  });
});
