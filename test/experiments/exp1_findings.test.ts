import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exp1Findings } from '../../src/experiments/exp1.js';

const c = (mean: number, n = 1) => ({ mean, lo: mean, hi: mean, n });
const row = (method: string, datasetSize: number, am: number, ret: number, flops: number) => ({
  method,
  datasetSize,
  flops,
  actionMatch: c(am),
  episodeReturn: c(ret),
});

describe("experiment 1 report: the proposal's findings checked against the run", () => {
  it('says plainly when DL at the largest size misses 99% action match', () => {
    const f = exp1Findings([
      row('DL (Adam)', 10000, 0.9952, 500, 2.1e10),
      row('DL (Adam)', 30000, 0.9866, 500, 6.39e10),
      row('GA (tournament)', 30000, 0.84, 300, 1.44e12),
    ]);
    assert.match(f[0], /DL at 30000 samples: 98\.66% .* does NOT hold/);
    assert.match(f[1], /best size was 10000 \(99\.52%\)/);
    assert.match(f[2], /GA: best 84\.00% .* below DL/);
    assert.match(f[3], /DL 6\.39e\+10, GA 1\.44e\+12 \(22\.5×/);
  });

  it('judges the mean over seeds and names the spread of single seeds', () => {
    const f = exp1Findings([
      {
        ...row('DL (Adam)', 30000, 0.9945, 500, 6.39e10),
        actionMatch: { mean: 0.9945, lo: 0.9876, hi: 1, n: 3 },
        actionMatchBySeed: [0.9866, 0.998, 0.999],
      },
    ]);
    assert.match(
      f[0],
      /99\.45% test action match .*mean of 3 seeds, 95% CI 98\.76%–100\.00%; single seeds 98\.66%–99\.90%, 1 of 3 below 99%\) .* holds\.$/,
    );
  });

  it('says the finding holds when DL reaches 99% and return 475', () => {
    const f = exp1Findings([row('DL (Adam)', 30000, 0.993, 480, 6.39e10)]);
    assert.equal(f.length, 1);
    assert.match(f[0], /holds\.$/);
  });
});
