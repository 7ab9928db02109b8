import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MlpBackprop } from '../../../src/worker/sgd/backprop.js';
import { EXP1_MLP, initParams, paramCount, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import { finiteDifferenceGradient, lossF64, tfjsLossAndGradient } from './reference.js';

function batch(spec: MlpSpec, n: number, seed: number): { params: Float32Array; x: Float32Array; y: Int32Array } {
  const params = initParams(spec, CounterRng.from(seed, RngPurpose.init));
  const rng = CounterRng.from(seed, RngPurpose.dataset);
  const x = rng.fillNormal(new Float32Array(n * spec.inputs), 0, 1.5);
  const y = Int32Array.from({ length: n }, () => rng.nextInt(spec.outputs));
  return { params, x, y };
}

type Kernel = 'auto' | 'js';

function ours(
  spec: MlpSpec,
  params: Float32Array,
  x: Float32Array,
  y: Int32Array,
  n: number,
  kernel: Kernel = 'auto',
): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(paramCount(spec)).fill(NaN); // must be overwritten, not accumulated into
  const loss = new MlpBackprop(spec, n, { kernel }).lossAndGradient(params, x, y, n, grad);
  return { loss, grad };
}

const KERNELS: Kernel[] = ['auto', 'js'];
const kernelName = (k: Kernel): string =>
  k === 'js' ? 'JavaScript kernel' : `${new MlpBackprop(EXP1_MLP, 1).kernel} kernel`;

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, abs: number, rel: number, what: string): void {
  assert.equal(got.length, want.length);
  for (let j = 0; j < got.length; j++) {
    const tol = abs + rel * Math.abs(want[j]);
    assert.ok(Math.abs(got[j] - want[j]) <= tol, `${what}[${j}]: ${got[j]} vs ${want[j]} (tolerance ${tol})`);
  }
}

const tiny: MlpSpec[] = [
  { inputs: 3, hidden: [5], outputs: 3, activation: 'tanh' },
  { inputs: 3, hidden: [5], outputs: 3, activation: 'relu' },
  { inputs: 4, hidden: [6, 5], outputs: 2, activation: 'tanh' },
  { inputs: 4, hidden: [6, 5], outputs: 2, activation: 'relu' },
];

describe('MlpBackprop', () => {
  for (const kernel of KERNELS) {
    for (const spec of tiny) {
      const name = `${spec.inputs}→${spec.hidden.join('→')}→${spec.outputs} ${spec.activation}`;
      it(`matches central finite differences of the float64 loss on ${name} (${kernelName(kernel)})`, () => {
        const n = 7;
        const { params, x, y } = batch(spec, n, 10 + spec.hidden.length);
        const { loss, grad } = ours(spec, params, x, y, n, kernel);
        assert.ok(Math.abs(loss - lossF64(spec, params, x, y, n)) < 1e-5);
        assertClose(grad, finiteDifferenceGradient(spec, params, x, y, n), 2e-6, 1e-4, 'grad');
      });
    }

    for (const spec of [...tiny, EXP1_MLP, { inputs: 8, hidden: [50], outputs: 4, activation: 'tanh' } as MlpSpec]) {
      const name = `${spec.inputs}→${spec.hidden.join('→')}→${spec.outputs} ${spec.activation}`;
      it(`gives TensorFlow.js's loss and gradients (tf.valueAndGrads + softmaxCrossEntropy) on ${name} (${kernelName(kernel)})`, () => {
        const n = 33; // not a multiple of 4: exercises every loop tail
        const { params, x, y } = batch(spec, n, 3);
        const mine = ours(spec, params, x, y, n, kernel);
        const ref = tfjsLossAndGradient(spec, params, x, y, n);
        assert.ok(Math.abs(mine.loss - ref.loss) < 1e-5, `loss ${mine.loss} vs ${ref.loss}`);
        assertClose(mine.grad, ref.grad, 1e-6, 1e-4, 'grad');
      });
    }
  }

  it('gathers a batch from row indices exactly as from the rows copied out', () => {
    const spec = EXP1_MLP;
    const { params, x, y } = batch(spec, 40, 6);
    const rows = Int32Array.of(3, 39, 0, 17, 17, 8, 21, 5, 30);
    const n = rows.length;
    const bx = new Float32Array(n * spec.inputs);
    const by = new Int32Array(n);
    rows.forEach((r, s) => {
      bx.set(x.subarray(r * spec.inputs, (r + 1) * spec.inputs), s * spec.inputs);
      by[s] = y[r];
    });
    for (const kernel of KERNELS) {
      const bp = new MlpBackprop(spec, 16, { kernel });
      const g1 = new Float32Array(paramCount(spec));
      const g2 = new Float32Array(paramCount(spec));
      assert.equal(bp.lossAndGradientRows(params, x, y, rows, n, g1), bp.lossAndGradient(params, bx, by, n, g2));
      assert.deepEqual(g1, g2);
    }
  });

  it('computes the gradient of a smaller batch than it was sized for', () => {
    const spec = tiny[0];
    const { params, x, y } = batch(spec, 5, 4);
    const grad = new Float32Array(paramCount(spec));
    const loss = new MlpBackprop(spec, 64).lossAndGradient(params, x, y, 5, grad);
    const ref = ours(spec, params, x, y, 5);
    assert.equal(loss, ref.loss);
    assert.deepEqual(grad, ref.grad);
  });

  it('refuses a batch larger than it was sized for instead of writing past its buffers', () => {
    const spec = tiny[0];
    const { params, x, y } = batch(spec, 8, 4);
    assert.throws(
      () => new MlpBackprop(spec, 4).lossAndGradient(params, x, y, 8, new Float32Array(paramCount(spec))),
      InvalidArgumentError,
    );
  });
});
