import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  forwardFlopsPerSample,
  neuroevolutionFlops,
  sgdFlops,
  trainFlopsPerSample,
} from '../../../src/shared/model/flops.js';
import { EXP1_MLP, expMlp } from '../../../src/shared/model/mlp.js';

const within = (got: number, want: number, rel: number): boolean => Math.abs(got - want) <= rel * want;

describe('FLOPs accounting (the research proposal’s conventions)', () => {
  it('counts 2 FLOPs per weight per sample for a forward pass (4→64→32→2: 4736)', () => {
    assert.equal(forwardFlopsPerSample(EXP1_MLP), 2 * (4 * 64 + 64 * 32 + 32 * 2));
    assert.equal(forwardFlopsPerSample(expMlp(8, 4)), 2 * (8 * 50 + 50 * 4));
  });

  it('counts a training step as forward + backward = 3 forward passes', () => {
    assert.equal(trainFlopsPerSample(EXP1_MLP), 3 * forwardFlopsPerSample(EXP1_MLP));
  });

  it('reproduces the proposal’s DL figure for experiment 1 at 30k samples: 6.39e10 (150 epochs) within 3%', () => {
    const dl = sgdFlops(EXP1_MLP, 150 * 30000);
    assert.ok(within(dl, 6.39e10, 0.03), `${dl}`);
    assert.equal(dl.toExponential(2), '6.39e+10');
  });

  it('reproduces the proposal’s GA figure for experiment 1 at 30k samples: 1.44e12 (100 gens × 100 agents) within 3%', () => {
    const ga = neuroevolutionFlops(EXP1_MLP, 100 * 100 * 30000);
    assert.ok(within(ga, 1.44e12, 0.03), `${ga}`);
  });

  it('gives the proposal’s printed 1.44e+12 exactly when the initial population’s evaluation is counted (101 evaluations)', () => {
    assert.equal(neuroevolutionFlops(EXP1_MLP, 101 * 100 * 30000).toExponential(2), '1.44e+12');
  });

  it('puts GA at ~22× DL at 30k samples, as the proposal says', () => {
    const ratio = neuroevolutionFlops(EXP1_MLP, 100 * 100 * 30000) / sgdFlops(EXP1_MLP, 150 * 30000);
    assert.ok(ratio > 21 && ratio < 23, `${ratio}`);
  });
});
