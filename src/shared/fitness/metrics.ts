/**
 * Classification metrics over integer labels: the quantities behaviour cloning is judged by.
 * `macroF1` follows scikit-learn's `f1_score(average='macro')`: labels are the union of true and predicted
 * labels, and a label with no true and no predicted samples cannot occur; F1 is 0 where precision+recall is 0.
 */
import { InvalidArgumentError } from '../errors.js';
import type { CounterRng } from '../rng/philox.js';

type Labels = ArrayLike<number>;

function checkSameLength(a: Labels, b: Labels, what: string): void {
  if (a.length !== b.length) {
    throw new InvalidArgumentError(`${what}: yTrue has ${a.length} labels but yPred has ${b.length}`);
  }
}

/** Fraction of positions where the predicted action equals the expert's. */
export function actionMatch(yTrue: Labels, yPred: Labels): number {
  checkSameLength(yTrue, yPred, 'actionMatch');
  if (yTrue.length === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

/** Macro-averaged F1, equal to scikit-learn's f1_score(yTrue, yPred, average='macro'). */
export function macroF1(yTrue: Labels, yPred: Labels): number {
  checkSameLength(yTrue, yPred, 'macroF1');
  if (yTrue.length === 0) return NaN;
  const tp = new Map<number, number>();
  const predCount = new Map<number, number>();
  const trueCount = new Map<number, number>();
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    trueCount.set(t, (trueCount.get(t) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (t === p) tp.set(t, (tp.get(t) ?? 0) + 1);
  }
  // Sorted, as scikit-learn's unique_labels, so the sum runs in the same order as its (and macroF1Dense's).
  const labels = [...new Set<number>([...trueCount.keys(), ...predCount.keys()])].sort((a, b) => a - b);
  let sum = 0;
  for (const c of labels) {
    const t = tp.get(c) ?? 0;
    const denom = (trueCount.get(c) ?? 0) + (predCount.get(c) ?? 0);
    sum += denom === 0 ? 0 : (2 * t) / denom;
  }
  return sum / labels.length;
}

/** Macro-F1 from small non-negative integer labels < k, without Maps (the hot path of F1 fitness). */
export function macroF1Dense(
  yTrue: Labels,
  yPred: Labels,
  k: number,
  counts: Float64Array = new Float64Array(3 * k),
): number {
  counts.fill(0);
  const n = yTrue.length;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    counts[t]++;
    counts[k + p]++;
    if (t === p) counts[2 * k + t]++;
  }
  let sum = 0;
  let labels = 0;
  for (let c = 0; c < k; c++) {
    const denom = counts[c] + counts[k + c];
    if (denom === 0) continue;
    labels++;
    sum += (2 * counts[2 * k + c]) / denom;
  }
  return labels === 0 ? NaN : sum / labels;
}

/** Mean cross-entropy (negative log-likelihood of softmax(logits)) of the true labels; logits are n × k. */
export function crossEntropy(logits: Float32Array, labels: Labels, k: number): number {
  const n = labels.length;
  if (logits.length !== n * k) {
    throw new InvalidArgumentError(`crossEntropy: logits have ${logits.length} values, expected ${n}×${k}`);
  }
  if (n === 0) return NaN;
  let total = 0;
  for (let s = 0; s < n; s++) {
    const row = s * k;
    const label = labels[s];
    if (!(label >= 0 && label < k && Number.isInteger(label))) {
      throw new InvalidArgumentError(`crossEntropy: label ${label} at row ${s} is not an integer in [0, ${k})`);
    }
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (logits[row + j] > m) m = logits[row + j];
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(logits[row + j] - m);
    total += m + Math.log(z) - logits[row + label];
  }
  return total / n;
}

/**
 * Macro-F1 of actions sampled from softmax(logits), averaged over `trials` draws (the proposal uses 10),
 * which scores the stochastic policy rather than its argmax.
 */
export function sampledMacroF1(
  logits: Float32Array,
  labels: Labels,
  k: number,
  trials: number,
  rng: CounterRng,
): number {
  const n = labels.length;
  const pred = new Int32Array(n);
  const counts = new Float64Array(3 * k);
  // Every trial draws from the same softmax: its terms are computed once, not once per trial (the same
  // Math.exp values in the same order as `sampleRows`, so the same actions bit for bit).
  const weights = new Float64Array(n * k);
  const totals = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[s * k + j]);
    let z = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[s * k + j] - m);
      weights[s * k + j] = e;
      z += e;
    }
    totals[s] = z;
  }
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    for (let s = 0; s < n; s++) {
      let u = rng.nextFloat() * totals[s];
      let a = k - 1;
      for (let j = 0; j < k; j++) {
        u -= weights[s * k + j];
        if (u < 0) {
          a = j;
          break;
        }
      }
      pred[s] = a;
    }
    sum += macroF1Dense(labels, pred, k, counts);
  }
  return sum / trials;
}
