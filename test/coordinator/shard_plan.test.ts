import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitByWeights, throughputWeights } from '../../src/coordinator/shard_plan.js';
import { preferLocal, estimateGenerationSeconds } from '../../src/coordinator/placement.js';

describe('shard sizing', () => {
  it('covers the range exactly, in order, whatever the weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 16 }),
        (start, rows, weights) => {
          const pieces = splitByWeights({ start, end: start + rows }, weights);
          assert.equal(pieces.length, weights.length);
          let at = start;
          for (const p of pieces) {
            assert.equal(p.start, at);
            assert.ok(p.end >= p.start);
            at = p.end;
          }
          assert.equal(at, start + rows);
        },
      ),
    );
  });

  it('gives each slot rows in proportion to its measured throughput', () => {
    const pieces = splitByWeights({ start: 0, end: 1000 }, [300, 100]);
    assert.deepEqual(pieces, [
      { start: 0, end: 750 },
      { start: 750, end: 1000 },
    ]);
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
