import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveRun } from '../../src/coordinator/active_run.js';
import { Cluster } from '../../src/coordinator/cluster.js';
import { SlotLostError, type EvaluatorSlot, type ShardJob, type ShardOutcome } from '../../src/coordinator/slot.js';
import type { NeRunSpec } from '../../src/shared/protocol/index.js';
import { buildRunContext } from '../../src/worker/runtime/run_context.js';

const spec: NeRunSpec = {
  runId: 'cluster',
  experiment: 'ne',
  algorithm: 'simple_ga',
  populationSize: 100,
  mutation: { mode: 'fixed_sigma', sigma: 0.1 },
  model: { inputs: 4, hidden: [4], outputs: 2, activation: 'tanh' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 1, maxSteps: 10 },
  generations: 5,
  seed: 1,
};

/** A slot that "evaluates" row i as i (or fails as told), and records what it got. */
class FakeSlot implements EvaluatorSlot {
  readonly kind = 'remote';
  readonly backend = 'fake';
  readonly jobs: [number, number][] = [];
  dead = false;
  constructor(
    readonly id: string,
    readonly threads: number,
    private readonly behaviour: (job: ShardJob) => 'ok' | 'lose' | 'fail' = () => 'ok',
    private readonly seconds = (rows: number) => rows / 1000,
  ) {}
  alive(): boolean {
    return !this.dead;
  }
  async evaluate(job: ShardJob): Promise<ShardOutcome> {
    this.jobs.push([job.start, job.end]);
    await new Promise((r) => setTimeout(r, 1));
    const what = this.behaviour(job);
    if (what === 'lose') {
      this.dead = true;
      throw new SlotLostError(this.id, 'killed');
    }
    if (what === 'fail') throw new Error('out of memory');
    const fitness = new Float64Array(job.end - job.start).map((_, i) => job.start + i);
    return { fitness, computeSeconds: this.seconds(job.end - job.start) };
  }
  release(): void {}
}

async function newRun(): Promise<ActiveRun> {
  const ctx = await buildRunContext(spec, { evaluate: false });
  return new ActiveRun(ctx, ctx.initialState());
}

function expectIdentity(fitness: Float64Array): void {
  assert.deepEqual(
    Array.from(fitness),
    Array.from({ length: fitness.length }, (_, i) => i),
  );
}

describe('the scheduler', () => {
  it('splits a generation over the slots by threads before anything is measured', async () => {
    const cluster = new Cluster();
    const a = new FakeSlot('a', 1);
    const b = new FakeSlot('b', 3);
    cluster.add(a);
    cluster.add(b);
    const out = new Float64Array(100);
    await cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, out);
    expectIdentity(out);
    assert.deepEqual(a.jobs, [[0, 25]]);
    assert.deepEqual(b.jobs, [[25, 100]]);
  });

  it('sizes later shards by measured throughput', async () => {
    const cluster = new Cluster();
    // a is twice as fast per row as b.
    const a = new FakeSlot(
      'a',
      1,
      () => 'ok',
      (rows) => rows / 2000,
    );
    const b = new FakeSlot(
      'b',
      1,
      () => 'ok',
      (rows) => rows / 1000,
    );
    cluster.add(a);
    cluster.add(b);
    const run = await newRun();
    await cluster.evaluateGeneration(run, { start: 0, end: 90 }, new Float64Array(100));
    const out = new Float64Array(90);
    await cluster.evaluateGeneration(run, { start: 0, end: 90 }, out);
    assert.deepEqual(a.jobs[1], [0, 60]);
    assert.deepEqual(b.jobs[1], [60, 90]);
  });

  it('re-dispatches the rows of a lost slot to the others', async () => {
    const cluster = new Cluster();
    const doomed = new FakeSlot('doomed', 1, () => 'lose');
    const survivor = new FakeSlot('survivor', 1);
    cluster.add(doomed);
    cluster.add(survivor);
    const out = new Float64Array(100);
    const report = await cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, out);
    expectIdentity(out);
    assert.equal(report.redispatched, 1);
    assert.equal(report.rowsBySlot.survivor, 100);
  });

  it('waits for a worker when none is left, and uses one that joins', async () => {
    const cluster = new Cluster();
    cluster.add(new FakeSlot('only', 1, () => 'lose'));
    const out = new Float64Array(100);
    const pending = cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, out);
    await new Promise((r) => setTimeout(r, 20));
    const late = new FakeSlot('late', 2);
    cluster.add(late);
    await pending;
    expectIdentity(out);
    assert.deepEqual(late.jobs, [[0, 100]]);
  });

  it('fails the generation after repeated evaluation errors rather than retrying forever', async () => {
    const cluster = new Cluster();
    cluster.add(new FakeSlot('broken', 1, () => 'fail'));
    await assert.rejects(
      cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, new Float64Array(100)),
      /out of memory/,
    );
  });
});
