import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { guidedShardSize, throughputWeights } from '../../src/coordinator/shard_plan.js';
import { preferLocal, estimateGenerationSeconds } from '../../src/coordinator/placement.js';

describe('shard sizing', () => {
  it('sizes shards by the slot’s share of the unassigned rows, halved, never below a floor', () => {
    // 1 000 rows, two equal slots: 250 first, then shrinking, never below 1000 / (2 · 16) = 32.
    assert.equal(guidedShardSize(1000, 1000, 0.5, 2), 250);
    assert.equal(guidedShardSize(300, 1000, 0.5, 2), 75);
    assert.equal(guidedShardSize(40, 1000, 0.5, 2), 32);
    assert.equal(guidedShardSize(10, 1000, 0.5, 2), 10);
  });

  it('always hands out between 1 and all of the unassigned rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        (total, share, slots) => {
          for (let left = total; left > 0;) {
            const size = guidedShardSize(left, total, share, slots);
            assert.ok(size >= 1 && size <= left);
            left -= size;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('assumes an unmeasured slot is as fast per thread as the measured ones', () => {
    assert.deepEqual(
      throughputWeights([
        { threads: 2, throughput: 400 },
        { threads: 4, throughput: undefined },
      ]),
      [400, 800],
    );
    assert.deepEqual(throughputWeights([{ threads: 3, throughput: undefined }]), [3]);
  });
});

describe('local or sharded', () => {
  it('keeps a generation local when its whole evaluation costs less than the dispatch overhead saves', () => {
    // 50 agents × 20 µs = 1 ms locally; 2 threads would take 0.5 ms + 2 ms of overhead.
    assert.equal(
      preferLocal({
        populationSize: 50,
        secondsPerAgent: 20e-6,
        clusterThroughput: undefined,
        clusterThreads: 2,
        overheadSeconds: 0.002,
      }),
      true,
    );
  });

  it('shards a generation whose evaluation dwarfs the overhead', () => {
    // 1000 agents × 1 ms = 1 s locally; 2 threads: 0.5 s + 2 ms.
    const p = {
      populationSize: 1000,
      secondsPerAgent: 1e-3,
      clusterThroughput: undefined,
      clusterThreads: 2,
      overheadSeconds: 0.002,
    };
    assert.equal(preferLocal(p), false);
    const e = estimateGenerationSeconds(p);
    assert.ok(Math.abs(e.cluster - 0.502) < 1e-9);
  });

  it('prices the local engine at its threads: as many local threads as the cluster has keep the generation local', () => {
    // The generation above: 1 s on one thread; 0.5 s on the coordinator's 2 threads vs 0.5 s + 2 ms on 2 workers.
    const p = {
      populationSize: 1000,
      secondsPerAgent: 1e-3,
      localThreads: 2,
      clusterThroughput: undefined,
      clusterThreads: 2,
      overheadSeconds: 0.002,
    };
    assert.ok(Math.abs(estimateGenerationSeconds(p).local - 0.5) < 1e-12);
    assert.equal(preferLocal(p), true);
    assert.equal(preferLocal({ ...p, clusterThreads: 8 }), false);
  });

  it('uses the measured cluster throughput when there is one', () => {
    const p = {
      populationSize: 1000,
      secondsPerAgent: 1e-3,
      clusterThroughput: 1500,
      clusterThreads: 2,
      overheadSeconds: 0.01,
    };
    assert.ok(Math.abs(estimateGenerationSeconds(p).cluster - (1000 / 1500 + 0.01)) < 1e-12);
  });
});
