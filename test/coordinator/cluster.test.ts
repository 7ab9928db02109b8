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

/** A slot that "evaluates" row i as i after `rows / rowsPerMs` ms (or fails as told), recording its shards. */
class FakeSlot implements EvaluatorSlot {
  readonly kind = 'remote';
  readonly backend = 'fake';
  readonly jobs: [number, number][] = [];
  dead = false;
  constructor(
    readonly id: string,
    readonly threads: number,
    private readonly behaviour: (job: ShardJob) => 'ok' | 'lose' | 'fail' = () => 'ok',
    private readonly rowsPerMs = 10,
  ) {}
  alive(): boolean {
    return !this.dead;
  }
  async evaluate(job: ShardJob): Promise<ShardOutcome> {
    this.jobs.push([job.start, job.end]);
    const ms = (job.end - job.start) / this.rowsPerMs;
    await new Promise((r) => setTimeout(r, ms));
    const what = this.behaviour(job);
    if (what === 'lose') {
      this.dead = true;
      throw new SlotLostError(this.id, 'killed');
    }
    if (what === 'fail') throw new Error('out of memory');
    const fitness = new Float64Array(job.end - job.start).map((_, i) => job.start + i);
    return { fitness, computeSeconds: ms / 1000 };
  }
  release(): void {}
  rows(): number {
    return this.jobs.reduce((a, [s, e]) => a + e - s, 0);
  }
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
  it('evaluates every row exactly once, starting with shards proportional to the slots’ threads', async () => {
    const cluster = new Cluster();
    const a = new FakeSlot('a', 1);
    const b = new FakeSlot('b', 3);
    cluster.add(a);
    cluster.add(b);
    const out = new Float64Array(100);
    await cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, out);
    expectIdentity(out);
    // Guided self-scheduling: b (3/4 of the throughput) first takes ⌈100 · ¾ / 2⌉ rows, then a ⌈62 · ¼ / 2⌉.
    assert.deepEqual(b.jobs[0], [0, 38]);
    assert.deepEqual(a.jobs[0], [38, 46]);
    const all = [...a.jobs, ...b.jobs].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < all.length; i++) assert.equal(all[i][0], all[i - 1][1], 'shards tile the range');
  });

  it('gives a faster slot proportionally more rows', async () => {
    const cluster = new Cluster();
    // Slow enough (a generation takes ~70–200 ms) that timer jitter on a loaded machine cannot reorder completions.
    const slow = new FakeSlot('slow', 1, () => 'ok', 0.5);
    const fast = new FakeSlot('fast', 1, () => 'ok', 1.5);
    cluster.add(slow);
    cluster.add(fast);
    const run = await newRun();
    await cluster.evaluateGeneration(run, { start: 0, end: 100 }, new Float64Array(100));
    const out = new Float64Array(100);
    await cluster.evaluateGeneration(run, { start: 0, end: 100 }, out);
    expectIdentity(out);
    // 3:1 in the limit; guided self-scheduling's last small shards go to whichever slot is free, which on a loaded
    // machine costs the fast slot up to a third of its share (an even split would be 1).
    const ratio = fast.rows() / slow.rows();
    assert.ok(ratio > 1.6 && ratio < 4.5, `fast/slow rows ${ratio.toFixed(2)} (speeds 3:1)`);
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
    assert.ok(report.redispatched >= 1);
    assert.equal(report.rowsBySlot.survivor, 100);
    assert.equal(report.rowsBySlot.doomed, undefined);
  });

  it('waits for a worker when none is left, and uses one that joins', async () => {
    const cluster = new Cluster();
    cluster.add(new FakeSlot('only', 1, () => 'lose'));
    const out = new Float64Array(100);
    const pending = cluster.evaluateGeneration(await newRun(), { start: 0, end: 100 }, out);
    await new Promise((r) => setTimeout(r, 30));
    const late = new FakeSlot('late', 2);
    cluster.add(late);
    await pending;
    expectIdentity(out);
    assert.equal(late.rows(), 100);
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
