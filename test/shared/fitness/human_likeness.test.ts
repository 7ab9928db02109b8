import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanLikeness, humanLikenessFitness } from '../../../src/shared/fitness/index.js';
import { ksTwoSample, mannWhitneyU } from '../../../src/shared/stats/index.js';

describe('human-likeness of a return distribution', () => {
  const human = [120, 80, 200, 150, 95, 60, 180, 130];

  it('reports |% difference| of the means, the KS statistic and the Mann–Whitney U against the human', () => {
    const model = [500, 500, 480, 500, 500, 500, 470, 500];
    const h = humanLikeness(model, human);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(h.absPctDiff - (Math.abs(mean(model) - mean(human)) / mean(human)) * 100) < 1e-9);
    assert.equal(h.ksStatistic, ksTwoSample(model, human).statistic);
    assert.equal(h.mannWhitneyU, mannWhitneyU(model, human).statistic);
    assert.equal(h.ksStatistic, 1, 'every model return is above every human return');
  });

  it('as an objective, prefers the model whose whole distribution matches, not only its mean', () => {
    // Same mean as the human, but every episode alike: the KS statistic sees the missing spread.
    const flat = Array.from({ length: 8 }, () => 126.875);
    const shuffled = [95, 150, 60, 130, 200, 120, 80, 180];
    assert.ok(humanLikenessFitness(shuffled, human) > humanLikenessFitness(flat, human));
    assert.equal(humanLikenessFitness(shuffled, human), 1);
  });
});
