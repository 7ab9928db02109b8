import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveRun, TELL_HISTORY } from '../../../src/coordinator/active_run.js';
import { sha256Float32 } from '../../../src/coordinator/ne_run.js';
import type { NeRunSpec } from '../../../src/shared/protocol/index.js';
import { buildRunContext } from '../../../src/worker/runtime/run_context.js';
import { ReplicaOutOfSyncError, RunReplica } from '../../../src/worker/runtime/replica.js';

const spec: NeRunSpec = {
  runId: 'replica',
  experiment: 'ne',
  algorithm: 'tournament_ga',
  populationSize: 12,
  mutation: { mode: 'adaptive_sigma', sigmaInit: 0.05, sigmaNoise: 0.05 },
  tournamentSize: 3,
  eliteCount: 2,
  model: { inputs: 4, hidden: [6], outputs: 2, activation: 'tanh' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2, maxSteps: 100 },
  generations: 10,
  seed: 4,
};

describe('worker replicas', () => {
  it('stay bit-identical to the coordinator’s state while only fitness vectors cross over', async () => {
    const ctx = await buildRunContext(spec);
    const run = new ActiveRun(ctx, ctx.initialState());
    // The worker evaluates rows 3..8 every generation and learns the rest only from the fitness vectors.
    const replica = new RunReplica(await buildRunContext(spec, { evaluate: false }), null, false);
    let seen = 0;
    for (let g = 0; g < 6; g++) {
      const tells = run.tellsFrom(seen) ?? assert.fail('tells kept');
      const state = replica.advance(tells, g);
      seen = g;
      const fitness = ctx.allocateFitness(spec.populationSize);
      fitness.set(await ctx.evaluateRows(run.state, 0, 3), 0);
      fitness.set(await ctx.evaluateRows(state, 3, 8), 3);
      fitness.set(await ctx.evaluateRows(run.state, 8, 12), 8);
      run.advance(fitness);
    }
    const caughtUp = replica.advance(run.tellsFrom(seen) ?? [], run.generation);
    assert.equal(caughtUp.generation, run.generation);
    assert.equal(sha256Float32(caughtUp.params), sha256Float32(run.state.params));
    assert.equal(sha256Float32(caughtUp.sigma), sha256Float32(run.state.sigma));
  });

  it('a late joiner restores one snapshot and evaluates exactly what the coordinator would', async () => {
    const ctx = await buildRunContext(spec);
    const run = new ActiveRun(ctx, ctx.initialState());
    for (let g = 0; g < 3; g++) run.advance(await ctx.evaluateRows(run.state, 0, spec.populationSize));
    const late = new RunReplica(ctx, run.snapshot(), false);
    assert.deepEqual(
      await ctx.evaluateRows(late.state, 0, spec.populationSize),
      await ctx.evaluateRows(run.state, 0, spec.populationSize),
    );
  });

  it('refuses to skip generations it has no fitness for', async () => {
    const ctx = await buildRunContext(spec, { evaluate: false });
    const replica = new RunReplica(ctx, null, false);
    assert.throws(() => replica.advance([], 2), ReplicaOutOfSyncError);
  });

  it('the coordinator keeps a bounded window of fitness vectors and asks for a snapshot beyond it', async () => {
    const ctx = await buildRunContext(spec);
    const run = new ActiveRun(ctx, ctx.initialState());
    for (let g = 0; g < TELL_HISTORY + 2; g++) run.advance(new Float64Array(spec.populationSize).map((_, i) => i + g));
    assert.equal(run.tellsFrom(0), undefined);
    assert.equal(run.tellsFrom(run.generation)?.length, 0);
    assert.deepEqual(
      run.tellsFrom(run.generation - 3)?.map((t) => t.generation),
      [run.generation - 3, run.generation - 2, run.generation - 1],
    );
  });
});
