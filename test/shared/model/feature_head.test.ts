import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureHeadLogits, headSpec, initialHead } from '../../../src/shared/model/feature_head.js';
import { expMlp, forward, initParams, paramCount } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/philox.js';

describe('the feature hybrid network', () => {
  const body = expMlp(4, 3);
  const params = initParams(body, CounterRng.from(1, RngPurpose.init));
  const n = 9;
  const x = new Float32Array(n * 4);
  CounterRng.from(2, RngPurpose.init).fillNormal(x, 0, 1);

  it('takes the last hidden layer and the output probabilities as inputs', () => {
    assert.deepEqual(headSpec(body, []), { inputs: 50 + 3, hidden: [], outputs: 3, activation: 'tanh' });
    assert.equal(paramCount(headSpec(body, [8])), 53 * 8 + 8 + 8 * 3 + 3);
  });

  it('starts as exactly the trained network: a linear head copies its output layer and ignores the probabilities', () => {
    const head = headSpec(body, []);
    const start = initialHead(body, params, head, new Float32Array(paramCount(head)));
    const composed = featureHeadLogits(body, params, head, start, x, n);
    const direct = forward(body, params, x, n, new Float32Array(n * 3));
    assert.deepEqual(composed, direct);
  });
});
