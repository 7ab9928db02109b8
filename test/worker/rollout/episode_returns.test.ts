import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initParams, paramCount, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/philox.js';
import { meanEpisodeReturn } from '../../../src/trials/evaluate.js';
import { episodeSeeds, meanEpisodeReturns } from '../../../src/worker/rollout/episode_returns.js';

const spec: MlpSpec = { inputs: 4, hidden: [8], outputs: 2, activation: 'tanh' };

function agents(count: number): Float32Array {
  const n = paramCount(spec);
  const out = new Float32Array(count * n);
  for (let a = 0; a < count; a++) out.set(initParams(spec, CounterRng.from(5, RngPurpose.init, a)), a * n);
  return out;
}

describe('episode-return fitness', () => {
  it('equals playing each agent’s episodes one by one in a single env', () => {
    const count = 6;
    const params = agents(count);
    const n = paramCount(spec);
    const seeds = [3, 4, 5];
    const batched = meanEpisodeReturns({ spec, envId: 'CartPole-v1', params, agents: count, seeds });
    for (let a = 0; a < count; a++) {
      // The experiments' evaluator plays seeds seedBase, seedBase+1, … one episode at a time.
      const single = meanEpisodeReturn(
        'CartPole-v1',
        spec,
        params.subarray(a * n, (a + 1) * n),
        seeds.length,
        seeds[0],
      );
      assert.equal(batched[a], single.mean, `agent ${a}`);
    }
  });

  it('does not depend on which agents share the batch', () => {
    const params = agents(8);
    const n = paramCount(spec);
    const seeds = episodeSeeds(9, 4, 3);
    const whole = meanEpisodeReturns({ spec, envId: 'CartPole-v1', params, agents: 8, seeds });
    const tail = meanEpisodeReturns({ spec, envId: 'CartPole-v1', params: params.subarray(5 * n), agents: 3, seeds });
    assert.deepEqual(Array.from(tail), Array.from(whole.subarray(5)));
  });

  it('draws the same episode seeds for a generation everywhere, different ones across generations', () => {
    assert.deepEqual(episodeSeeds(1, 2, 4), episodeSeeds(1, 2, 4));
    assert.notDeepEqual(episodeSeeds(1, 2, 4), episodeSeeds(1, 3, 4));
  });

  it('refuses a network that does not fit the environment', () => {
    assert.throws(
      () =>
        meanEpisodeReturns({
          spec: { ...spec, inputs: 6 },
          envId: 'CartPole-v1',
          params: new Float32Array(200),
          agents: 1,
          seeds: [0],
        }),
      /4 observations and 2 actions/,
    );
  });
});
