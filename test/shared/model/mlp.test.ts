import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EXP1_MLP,
  argmaxRows,
  checkSpec,
  describeSpec,
  expMlp,
  fastTanh,
  forward,
  greedyPolicy,
  initParams,
  layout,
  paramCount,
  sampleRows,
  softmaxRows,
  type MlpSpec,
} from '../../../src/shared/model/mlp.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import { pythonOracle } from '../fitness/python.js';

describe('MLP layout', () => {
  it('stores each layer as PyTorch’s Linear does: weight (out × in) then bias', () => {
    assert.deepEqual(layout(expMlp(8, 4)), [
      { inputs: 8, outputs: 50, weightOffset: 0, biasOffset: 400 },
      { inputs: 50, outputs: 4, weightOffset: 450, biasOffset: 650 },
    ]);
  });

  it('counts the parameters of experiment 1’s 4→64→32→2 (2466) and of 8→50→4 (654)', () => {
    assert.equal(paramCount(EXP1_MLP), 4 * 64 + 64 + 64 * 32 + 32 + 32 * 2 + 2);
    assert.equal(paramCount(expMlp(8, 4)), 654);
    assert.equal(describeSpec(EXP1_MLP), '4→64→32→2 relu');
  });

  it('refuses non-positive or fractional sizes and unknown activations, naming the problem', () => {
    assert.throws(() => checkSpec({ inputs: 0, hidden: [3], outputs: 2, activation: 'relu' }), InvalidArgumentError);
    assert.throws(() => checkSpec({ inputs: 2, hidden: [2.5], outputs: 2, activation: 'relu' }), /positive integers/);
    assert.throws(
      () => checkSpec({ inputs: 2, hidden: [], outputs: 2, activation: 'gelu' as 'relu' }),
      /'relu' or 'tanh'/,
    );
  });
});

describe('initParams (PyTorch’s default nn.Linear initialisation)', () => {
  it('draws every weight and bias of a layer from U(−1/√fan_in, 1/√fan_in) and spans that range', () => {
    const params = initParams(EXP1_MLP, CounterRng.from(1, RngPurpose.init));
    for (const l of layout(EXP1_MLP)) {
      const bound = 1 / Math.sqrt(l.inputs);
      const w = params.subarray(l.weightOffset, l.biasOffset);
      const b = params.subarray(l.biasOffset, l.biasOffset + l.outputs);
      for (const v of [...w, ...b]) assert.ok(Math.abs(v) <= bound * (1 + 1e-7), `${v} beyond ±${bound}`);
      const max = Math.max(...w.map(Math.abs));
      assert.ok(max > 0.9 * bound, `weights of fan_in ${l.inputs} only reach ${max} of ±${bound}`);
      // A uniform's mean |w| is bound/2.
      const meanAbs = w.reduce((s, v) => s + Math.abs(v), 0) / w.length;
      assert.ok(Math.abs(meanAbs / bound - 0.5) < 0.1, `mean |w| / bound = ${meanAbs / bound}`);
    }
  });

  it('is a pure function of the generator it is given', () => {
    const a = initParams(EXP1_MLP, CounterRng.from(5, RngPurpose.init));
    const b = initParams(EXP1_MLP, CounterRng.from(5, RngPurpose.init));
    const c = initParams(EXP1_MLP, CounterRng.from(6, RngPurpose.init));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});

/** A batch of n inputs for `spec`, plus initialised parameters, from a seed. */
function problem(spec: MlpSpec, n: number, seed: number): { params: Float32Array; x: Float32Array } {
  const params = initParams(spec, CounterRng.from(seed, RngPurpose.init));
  const x = CounterRng.from(seed, RngPurpose.dataset).fillNormal(new Float32Array(n * spec.inputs), 0, 2);
  return { params, x };
}

describe('forward', () => {
  const specs: MlpSpec[] = [
    EXP1_MLP,
    expMlp(8, 4),
    { inputs: 3, hidden: [5, 7, 2], outputs: 3, activation: 'tanh' },
    { inputs: 6, hidden: [], outputs: 3, activation: 'relu' },
  ];

  it('equals a NumPy float64 forward pass (x @ W.T + b, relu/tanh) to float32 precision, any batch size', (t) => {
    const cases = specs.map((spec, c) => {
      const n = [1, 7, 32, 13][c];
      const { params, x } = problem(spec, n, 40 + c);
      return { spec, n, params: Array.from(params), x: Array.from(x) };
    });
    const oracle = pythonOracle<number[][]>(
      `import numpy as np
out = []
for c in data:
    s = c['spec']; sizes = [s['inputs']] + s['hidden'] + [s['outputs']]
    p = np.asarray(c['params'], dtype=np.float64); h = np.asarray(c['x'], dtype=np.float64).reshape(c['n'], -1)
    o = 0
    for l in range(len(sizes) - 1):
        i, k = sizes[l], sizes[l + 1]
        W = p[o:o + i * k].reshape(k, i); o += i * k
        b = p[o:o + k]; o += k
        h = h @ W.T + b
        if l < len(sizes) - 2:
            h = np.maximum(h, 0) if s['activation'] == 'relu' else np.tanh(h)
    out.append(h.ravel().tolist())
print(json.dumps(out))`,
      cases,
    );
    if (oracle.skip) return t.skip(oracle.skip);
    cases.forEach((c, i) => {
      const logits = forward(
        c.spec,
        Float32Array.from(c.params),
        Float32Array.from(c.x),
        c.n,
        new Float32Array(c.n * c.spec.outputs),
      );
      oracle.value![i].forEach((want, j) => {
        assert.ok(
          Math.abs(logits[j] - want) <= 1e-5 * Math.max(1, Math.abs(want)),
          `${describeSpec(c.spec)} [${j}]: ${logits[j]} vs ${want}`,
        );
      });
    });
  });

  it('gives each sample the same logits whether it is evaluated alone or in a batch', () => {
    const spec = expMlp(8, 4);
    const n = 11;
    const { params, x } = problem(spec, n, 3);
    const batch = forward(spec, params, x, n, new Float32Array(n * 4));
    for (let s = 0; s < n; s++) {
      const one = forward(spec, params, x.subarray(s * 8, s * 8 + 8), 1, new Float32Array(4));
      assert.deepEqual(one, batch.subarray(s * 4, s * 4 + 4));
    }
  });
});

describe('fastTanh', () => {
  it('is within 4e-7 of Math.tanh everywhere (a few float32 ulps), odd, and saturates far out', () => {
    let worst = 0;
    for (let x = -12; x <= 12; x += 1 / 1024) worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    for (const x of [1e-9, -1e-6, 5e-5, 1e-4, 2e-4]) worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    assert.ok(worst < 4e-7, `worst error ${worst}`);
    for (const x of [0.3, 2, 7, 50]) assert.equal(fastTanh(-x), -fastTanh(x));
    assert.equal(fastTanh(0), 0);
    assert.equal(Math.fround(fastTanh(50)), Math.fround(fastTanh(1e30)));
    assert.ok(Math.fround(fastTanh(50)) >= 1 - 3e-7);
  });
});

describe('output heads', () => {
  it('argmaxRows takes the first index on ties, like NumPy and torch', () => {
    assert.deepEqual(Array.from(argmaxRows(Float32Array.of(1, 3, 3, 0, -1, -1, -1, -1), 2, 4)), [1, 0]);
  });

  it('softmaxRows gives rows that sum to 1 and is stable for huge logits', () => {
    const p = softmaxRows(Float32Array.of(1000, 1000, 0, 1, 2, 3), 2, 3);
    assert.deepEqual(Array.from(p.subarray(0, 3)), [0.5, 0.5, 0]);
    const row = p.subarray(3);
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-6);
    assert.ok(row[2] > row[1] && row[1] > row[0]);
  });

  it('sampleRows draws actions with the softmax probabilities', () => {
    const n = 20000;
    const logits = new Float32Array(n * 3);
    for (let s = 0; s < n; s++) logits.set([0, Math.log(2), Math.log(7)], s * 3);
    const actions = sampleRows(logits, n, 3, CounterRng.from(9, 11));
    const counts = [0, 0, 0];
    for (const a of actions) counts[a]++;
    [0.1, 0.2, 0.7].forEach((p, a) => {
      const sd = Math.sqrt(n * p * (1 - p));
      assert.ok(Math.abs(counts[a] - n * p) < 4 * sd, `action ${a}: ${counts[a]} of ${n}, expected ${n * p}`);
    });
  });

  it('greedyPolicy picks the argmax of the network’s logits for one observation', () => {
    const spec = expMlp(4, 2);
    const { params, x } = problem(spec, 16, 8);
    const policy = greedyPolicy(spec, params);
    const all = argmaxRows(forward(spec, params, x, 16, new Float32Array(32)), 16, 2);
    for (let s = 0; s < 16; s++) assert.equal(policy(x.subarray(s * 4, s * 4 + 4)), all[s]);
  });
});
