/** The audit re-evaluates a sample of a worker's agents on the coordinator and catches values it did not compute. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveRun } from '../../src/coordinator/active_run.js';
import { PROBATION_SHARDS, ShardAuditor } from '../../src/coordinator/guard/audit.js';
import { fitnessBounds, firstImpossible } from '../../src/coordinator/guard/fitness_bounds.js';
import type { DatasetTask } from '../../src/shared/protocol/index.js';
import { buildRunContext } from '../../src/worker/runtime/run_context.js';
import { datasetSpec, rolloutSpec } from './helpers/specs.js';

describe('the audit', () => {
  it('samples about rate × agents, at least one on probation, none at rate 0 off probation', async () => {
    const ctx = await buildRunContext(rolloutSpec(), { evaluate: false });
    const run = new ActiveRun(ctx, ctx.initialState());
    assert.ok(PROBATION_SHARDS >= 1);
    assert.equal(new ShardAuditor(0).sample(run, 0, 0, 48, false).length, 0);
    assert.equal(new ShardAuditor(0).sample(run, 0, 0, 48, true).length, 1);
    assert.equal(new ShardAuditor(1).sample(run, 0, 0, 48, false).length, 48);
    let total = 0;
    const auditor = new ShardAuditor(0.1);
    for (let g = 0; g < 200; g++) total += auditor.sample(run, g, 0, 48, false).length;
    assert.ok(Math.abs(total / (200 * 48) - 0.1) < 0.02, `sampled share ${total / (200 * 48)}`);
  });

  it('agrees with values the worker’s engine computes and names the first one it did not', async () => {
    const spec = rolloutSpec({ populationSize: 8 });
    const ctx = await buildRunContext(spec);
    const run = new ActiveRun(ctx, ctx.initialState());
    const honest = await ctx.evaluateRows(ctx.initialState(), 0, 8);
    const auditor = new ShardAuditor(1);
    assert.equal(await auditor.check(run, 0, [0, 3, 7], honest, true), undefined);
    const forged = Float64Array.from(honest);
    forged[3] += 0.5;
    assert.deepEqual(await auditor.check(run, 0, [0, 3, 7], forged, true), {
      row: 3,
      reported: forged[3],
      expected: honest[3],
    });
  });

  it('knows the objectives’ bounds: CartPole returns within the episode length, macro-F1 within [0, 1]', () => {
    const cart = fitnessBounds(rolloutSpec());
    assert.deepEqual([cart.min, cart.max], [0, 200]);
    assert.equal(firstImpossible(Float64Array.of(200, 0), cart), undefined);
    assert.equal(firstImpossible(Float64Array.of(3, 1e6), cart)?.kind, 'out_of_bounds');
    assert.equal(firstImpossible(Float64Array.of(NaN), cart)?.kind, 'non_finite');
    const f1 = fitnessBounds(datasetSpec());
    assert.deepEqual([f1.min, f1.max], [0, 1]);
    assert.equal(firstImpossible(Float32Array.of(1.5), f1)?.index, 0);
    const ce = fitnessBounds(datasetSpec({ task: { ...(datasetSpec().task as DatasetTask), fitness: 'ce' } }));
    assert.equal(firstImpossible(Float32Array.of(-0.1), ce)?.kind, 'out_of_bounds');
  });
});
