/** First-order optimizers with PyTorch's update rules and defaults. */
import { InvalidArgumentError } from '../../shared/errors.js';

export interface OptimizerSpec {
  readonly kind: 'sgd' | 'adam';
  readonly lr: number;
  /** Adam only (PyTorch defaults: 0.9, 0.999, 1e-8). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

export interface OptimizerState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

export function checkOptimizer(spec: OptimizerSpec): void {
  if (spec.kind !== 'sgd' && spec.kind !== 'adam') {
    throw new InvalidArgumentError(`optimizer must be 'sgd' or 'adam', got '${String(spec.kind)}'`);
  }
  if (!(spec.lr > 0) || !Number.isFinite(spec.lr)) {
    throw new InvalidArgumentError(`learning rate must be a positive number, got ${spec.lr}`);
  }
}

export function createOptimizerState(spec: OptimizerSpec, n: number): OptimizerState {
  return spec.kind === 'adam'
    ? { step: 0, m: new Float32Array(n), v: new Float32Array(n) }
    : { step: 0, m: new Float32Array(0), v: new Float32Array(0) };
}

/** Applies one update to `params` in place (torch.optim.SGD / torch.optim.Adam, no weight decay). */
export function applyUpdate(
  spec: OptimizerSpec,
  state: OptimizerState,
  params: Float32Array,
  grad: Float32Array,
): void {
  state.step++;
  const lr = spec.lr;
  if (spec.kind === 'sgd') {
    for (let i = 0; i < params.length; i++) params[i] -= lr * grad[i];
    return;
  }
  const b1 = spec.beta1 ?? 0.9;
  const b2 = spec.beta2 ?? 0.999;
  const eps = spec.eps ?? 1e-8;
  const bc1 = 1 - b1 ** state.step;
  const bc2 = 1 - b2 ** state.step;
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  const { m, v } = state;
  for (let i = 0; i < params.length; i++) {
    const g = grad[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
  }
}
