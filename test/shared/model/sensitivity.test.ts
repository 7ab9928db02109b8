import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forward, initParams, softmaxRows, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { outputSensitivity, safeMutationScale } from '../../../src/shared/model/sensitivity.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/philox.js';

/** SM-G-ABS's sensitivity by central finite differences of the softmax outputs, one parameter at a time. */
function finiteDifference(spec: MlpSpec, params: Float32Array, x: Float32Array, n: number, h: number): number[] {
  const K = spec.outputs;
  const probs = (p: Float32Array): Float32Array => softmaxRows(forward(spec, p, x, n, new Float32Array(n * K)), n, K);
  const out: number[] = [];
  for (let j = 0; j < params.length; j++) {
    const plus = Float32Array.from(params);
    const minus = Float32Array.from(params);
    plus[j] += h;
    minus[j] -= h;
    const step = plus[j] - minus[j]; // the float32 step actually taken
    const pp = probs(plus);
    const pm = probs(minus);
    let sq = 0;
    for (let k = 0; k < K; k++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += Math.abs((pp[i * K + k] - pm[i * K + k]) / step);
      sq += (mean / n) ** 2;
    }
    out.push(Math.sqrt(sq));
  }
  return out;
}

describe('SM-G output sensitivity', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    it(`matches finite differences of the output probabilities for every parameter (${activation})`, () => {
      const spec: MlpSpec = { inputs: 3, hidden: [5, 4], outputs: 3, activation };
      const params = initParams(spec, CounterRng.from(7, RngPurpose.init));
      for (let j = 0; j < params.length; j++) params[j] *= 2; // livelier outputs than a fresh init's
      const n = 6;
      const x = new Float32Array(n * spec.inputs);
      CounterRng.from(8, RngPurpose.init).fillNormal(x, 0, 1);
      const analytic = outputSensitivity(spec, params, x, n);
      const numeric = finiteDifference(spec, params, x, n, 1e-2);
      assert.equal(analytic.length, params.length);
      let checked = 0;
      for (let j = 0; j < params.length; j++) {
        const tol = 0.03 * Math.abs(numeric[j]) + 2e-4;
        assert.ok(
          Math.abs(analytic[j] - numeric[j]) <= tol,
          `parameter ${j}: analytic ${analytic[j]} vs finite difference ${numeric[j]}`,
        );
        if (numeric[j] > 1e-3) checked++;
      }
      assert.ok(checked > params.length / 2, 'most parameters move the outputs measurably');
    });
  }

  it('scales each parameter by 1/s relative to the RMS sensitivity, clamped to [1/maxScale, maxScale]', () => {
    const s = [1, 2, 0.5, 0, 1e-9];
    const rms = Math.sqrt(s.reduce((a, v) => a + v * v, 0) / s.length);
    const scale = safeMutationScale(s, 100);
    assert.ok(Math.abs(scale[0] - rms / 1) < 1e-12);
    assert.ok(Math.abs(scale[1] - rms / 2) < 1e-12);
    assert.ok(Math.abs(scale[2] - rms / 0.5) < 1e-12);
    assert.equal(scale[3], 100); // a parameter the batch never moves: the largest step allowed, not infinity
    assert.equal(scale[4], 100);
    assert.ok(scale[1] < scale[0] && scale[0] < scale[2], 'more sensitive parameters are mutated less');
  });
});
