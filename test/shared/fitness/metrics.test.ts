import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionMatch,
  crossEntropy,
  macroF1,
  macroF1Dense,
  sampledMacroF1,
} from '../../../src/shared/fitness/metrics.js';
import { argmaxRows, sampleRows } from '../../../src/shared/model/mlp.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { CounterRng } from '../../../src/shared/rng/index.js';
import { pythonOracle } from './python.js';

/**
 * scikit-learn's f1_score(y_true, y_pred, average='macro') re-implemented in NumPy, following
 * sklearn.metrics._classification: labels = unique_labels(y_true, y_pred) (the sorted union), per-label
 * tp / true / predicted counts from the multilabel confusion matrix, F = (1+β²)·tp / (β²·true + pred) with
 * β = 1 and zero_division → 0, then the unweighted mean over labels.
 */
const SKLEARN_MACRO_F1 = `
import numpy as np
def f1_macro(y_true, y_pred):
    y_true = np.asarray(y_true); y_pred = np.asarray(y_pred)
    labels = np.union1d(y_true, y_pred)
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in labels], dtype=np.float64)
    true_sum = np.array([np.sum(y_true == c) for c in labels], dtype=np.float64)
    pred_sum = np.array([np.sum(y_pred == c) for c in labels], dtype=np.float64)
    beta2 = 1.0
    denom = beta2 * true_sum + pred_sum
    f = np.where(denom == 0, 0.0, (1 + beta2) * tp / np.where(denom == 0, 1.0, denom))
    return float(np.average(f))
print(json.dumps([f1_macro(t, p) for t, p in data]))
`;

/** A random labelling problem: n labels drawn from `alphabet`, predictions right with probability `skill`. */
function randomCase(rng: CounterRng, n: number, alphabet: number[], skill: number): [number[], number[]] {
  const yTrue: number[] = [];
  const yPred: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = alphabet[rng.nextInt(alphabet.length)];
    yTrue.push(t);
    yPred.push(rng.nextFloat() < skill ? t : alphabet[rng.nextInt(alphabet.length)]);
  }
  return [yTrue, yPred];
}

describe('macroF1 (scikit-learn f1_score(average="macro") semantics)', () => {
  it("gives scikit-learn's documented value 0.2666… for y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1]", () => {
    assert.ok(Math.abs(macroF1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]) - 0.26666666666666666) < 1e-15);
  });

  it('counts a label that only appears in the predictions (labels are the union of true and predicted)', () => {
    // label 0: tp=1, true=3, pred=1 → 2/4; label 1: never true, predicted twice → 0.
    assert.equal(macroF1([0, 0, 0], [0, 1, 1]), 0.25);
  });

  it('is 1 for perfect predictions and 0 when every prediction is wrong', () => {
    assert.equal(macroF1([3, 1, 3, 2], [3, 1, 3, 2]), 1);
    assert.equal(macroF1([0, 0, 1, 1], [1, 1, 0, 0]), 0);
  });

  it('equals the NumPy re-implementation of scikit-learn on 200 random problems (sparse and unusual labels too)', (t) => {
    const rng = CounterRng.from(20240601, 1);
    const alphabets = [[0, 1], [0, 1, 2, 3], [2, 5, 9], [-1, 0, 7, 100, 3], [4]];
    const cases: [number[], number[]][] = [];
    for (let c = 0; c < 200; c++) {
      const n = 1 + rng.nextInt(60);
      cases.push(randomCase(rng, n, alphabets[c % alphabets.length], rng.nextFloat()));
    }
    const oracle = pythonOracle<number[]>(SKLEARN_MACRO_F1, cases);
    if (oracle.skip) return t.skip(oracle.skip);
    const expected = oracle.value!;
    cases.forEach(([yTrue, yPred], c) => {
      const got = macroF1(yTrue, yPred);
      assert.ok(Math.abs(got - expected[c]) < 1e-12, `case ${c}: ${got} vs sklearn-equivalent ${expected[c]}`);
    });
  });

  it('macroF1Dense (the fitness hot path) equals macroF1 for labels 0…k-1', () => {
    const rng = CounterRng.from(7, 1);
    for (let c = 0; c < 100; c++) {
      const k = 2 + (c % 4);
      const [yTrue, yPred] = randomCase(rng, 1 + rng.nextInt(40), [...Array(k).keys()], 0.5);
      assert.equal(macroF1Dense(Int32Array.from(yTrue), Int32Array.from(yPred), k), macroF1(yTrue, yPred));
    }
  });

  it('refuses label arrays of different lengths with an InvalidArgumentError', () => {
    assert.throws(() => macroF1([0, 1], [0]), InvalidArgumentError);
  });
});

describe('crossEntropy', () => {
  it('equals −mean(scipy.special.log_softmax(logits)[label]) including extreme logits', (t) => {
    const rng = CounterRng.from(11, 1);
    const cases: { logits: number[]; labels: number[]; k: number }[] = [];
    for (let c = 0; c < 40; c++) {
      const k = 2 + (c % 5);
      const n = 1 + rng.nextInt(30);
      const scale = [0.1, 1, 10, 80][c % 4];
      const logits = new Float32Array(n * k);
      rng.fillNormal(logits, 0, scale);
      const labels = Array.from({ length: n }, () => rng.nextInt(k));
      cases.push({ logits: Array.from(logits), labels, k });
    }
    const oracle = pythonOracle<number[]>(
      `import numpy as np
from scipy.special import log_softmax
out = []
for c in data:
    z = np.asarray(c['logits'], dtype=np.float64).reshape(-1, c['k'])
    out.append(float(-np.mean(log_softmax(z, axis=1)[np.arange(z.shape[0]), c['labels']])))
print(json.dumps(out))`,
      cases,
    );
    if (oracle.skip) return t.skip(oracle.skip);
    cases.forEach((c, i) => {
      const got = crossEntropy(Float32Array.from(c.logits), c.labels, c.k);
      const want = oracle.value![i];
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `case ${i}: ${got} vs ${want}`);
    });
  });

  it('is log(k) for all-equal logits', () => {
    assert.ok(Math.abs(crossEntropy(new Float32Array(12), [0, 1, 2, 0], 3) - Math.log(3)) < 1e-15);
  });

  it('refuses a label outside [0, k) instead of returning NaN', () => {
    assert.throws(() => crossEntropy(new Float32Array(6), [0, 3], 3), /label 3 at row 1/);
  });

  it('refuses logits whose size is not n × k', () => {
    assert.throws(() => crossEntropy(new Float32Array(5), [0, 1], 3), InvalidArgumentError);
  });
});

describe('actionMatch', () => {
  it('is the fraction of positions where the prediction equals the expert action', () => {
    assert.equal(actionMatch([0, 1, 2, 3], [0, 1, 0, 0]), 0.5);
    assert.equal(actionMatch(Int32Array.of(1, 1, 1), Int32Array.of(1, 1, 1)), 1);
  });

  it('refuses label arrays of different lengths', () => {
    assert.throws(() => actionMatch([0, 1], [0]), InvalidArgumentError);
  });
});

describe('sampledMacroF1', () => {
  const n = 64;
  const k = 3;
  const rng = CounterRng.from(3, 1);
  const logits = rng.fillNormal(new Float32Array(n * k), 0, 1.5);
  const labels = Int32Array.from({ length: n }, () => rng.nextInt(k));

  it('is the same for the same seed and different for another seed', () => {
    const a = sampledMacroF1(logits, labels, k, 10, CounterRng.from(99, 11));
    const b = sampledMacroF1(logits, labels, k, 10, CounterRng.from(99, 11));
    const c = sampledMacroF1(logits, labels, k, 10, CounterRng.from(100, 11));
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('equals the argmax macro-F1 when the softmax is (numerically) one-hot', () => {
    const peaked = logits.map((v) => v * 1000);
    const argmax = argmaxRows(peaked, n, k);
    const got = sampledMacroF1(peaked, labels, k, 10, CounterRng.from(5, 11));
    assert.ok(Math.abs(got - macroF1(labels, argmax)) < 1e-12);
  });

  it('draws the very actions sampleRows draws, trial after trial (results of earlier runs are unchanged)', () => {
    const rngA = CounterRng.from(7, 11);
    const pred = new Int32Array(n);
    let sum = 0;
    for (let t = 0; t < 10; t++) sum += macroF1Dense(labels, sampleRows(logits, n, k, rngA, pred), k);
    assert.equal(sampledMacroF1(logits, labels, k, 10, CounterRng.from(7, 11)), sum / 10);
  });

  it('averages the macro-F1 of `trials` independent draws (the spread of one draw shrinks with more trials)', () => {
    const one: number[] = [];
    const ten: number[] = [];
    for (let s = 0; s < 40; s++) {
      one.push(sampledMacroF1(logits, labels, k, 1, CounterRng.from(s, 11)));
      ten.push(sampledMacroF1(logits, labels, k, 10, CounterRng.from(s, 11)));
    }
    const sd = (v: number[]): number => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    assert.ok(sd(ten) < sd(one) * 0.6, `sd(10 trials)=${sd(ten)} sd(1 trial)=${sd(one)}`);
  });
});
