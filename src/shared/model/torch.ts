/**
 * An MLP as PyTorch holds it: `nn.Sequential(Linear, act, Linear, act, …, Linear)`, so the k-th `Linear` is module
 * 2k and its tensors are `2k.weight` (out × in, row-major, exactly the flat layout's W) and `2k.bias`. Encodes the
 * flat parameters as safetensors plus a `model.json` card with the architecture, and decodes them back.
 */
import { InvalidArgumentError } from '../errors.js';
import { checkSpec, layout, paramCount, type Activation, type MlpSpec } from './mlp.js';
import { decodeSafetensors, encodeSafetensors, type Float32Tensor } from './safetensors.js';

/** PyTorch's module for each activation. */
const TORCH_ACTIVATION: Record<Activation, string> = { relu: 'ReLU', tanh: 'Tanh' };

/** What the network's inputs and outputs mean: the environment it plays. */
export interface ModelEnvInfo {
  readonly id: string;
  /** Shape and bounds of one observation (null where a bound is infinite, which JSON cannot write). */
  readonly observationShape: readonly number[];
  readonly observationLow?: readonly (number | null)[];
  readonly observationHigh?: readonly (number | null)[];
  /** Discrete actions: the network outputs one logit per action and the policy takes the argmax. */
  readonly actions: number;
  /** Inputs the network takes beyond the observation's (experiment 3's curriculum inputs); absent when none. */
  readonly extraInputs?: number;
}

/** The model.json written beside model.safetensors. */
export interface ModelCard {
  readonly format: 'evoscale-mlp';
  readonly version: 1;
  /** Layer widths from input to output, e.g. [4, 64, 32, 2]. */
  readonly layers: readonly number[];
  readonly activation: Activation;
  /** The PyTorch module between Linear layers (`ReLU`, `Tanh`); none after the last. */
  readonly torchActivation: string;
  /** Tensor names in `nn.Sequential` order. */
  readonly tensors: readonly string[];
  readonly parameters: number;
  readonly dtype: 'float32';
  /** How actions follow from the outputs. */
  readonly policy: 'argmax';
  readonly env?: ModelEnvInfo;
}

/** The tensor names of an MLP as `nn.Sequential` numbers its modules: ['0.weight', '0.bias', '2.weight', …]. */
export function torchTensorNames(spec: MlpSpec): string[] {
  return layout(spec).flatMap((_, k) => [`${2 * k}.weight`, `${2 * k}.bias`]);
}

/** The architecture card of `spec` (and the env it plays, when known). */
export function modelCard(spec: MlpSpec, env?: ModelEnvInfo): ModelCard {
  checkSpec(spec);
  return {
    format: 'evoscale-mlp',
    version: 1,
    layers: [spec.inputs, ...spec.hidden, spec.outputs],
    activation: spec.activation,
    torchActivation: TORCH_ACTIVATION[spec.activation],
    tensors: torchTensorNames(spec),
    parameters: paramCount(spec),
    dtype: 'float32',
    policy: 'argmax',
    ...(env === undefined ? {} : { env }),
  };
}

/** The flat parameters as safetensors with PyTorch's tensor names; the card's architecture goes in its metadata. */
export function mlpToSafetensors(spec: MlpSpec, params: Float32Array, env?: ModelEnvInfo): Uint8Array {
  const n = paramCount(spec);
  if (params.length !== n) {
    throw new InvalidArgumentError(
      `the ${[spec.inputs, ...spec.hidden, spec.outputs].join('→')} network has ${n} parameters, got ${params.length}`,
    );
  }
  const tensors = new Map<string, Float32Tensor>();
  layout(spec).forEach((l, k) => {
    const w = params.subarray(l.weightOffset, l.weightOffset + l.inputs * l.outputs);
    tensors.set(`${2 * k}.weight`, { shape: [l.outputs, l.inputs], data: w });
    tensors.set(`${2 * k}.bias`, { shape: [l.outputs], data: params.subarray(l.biasOffset, l.biasOffset + l.outputs) });
  });
  const card = modelCard(spec, env);
  return encodeSafetensors(tensors, { format: 'pt', evoscale: JSON.stringify(card) });
}

/**
 * The spec and flat parameters of an MLP stored by `mlpToSafetensors` (or by PyTorch's `save_file` of an
 * `nn.Sequential` of Linear layers; then `activation` must be given, as the file does not say it).
 */
export function mlpFromSafetensors(
  bytes: Uint8Array,
  activation?: Activation,
  source = 'model.safetensors',
): { spec: MlpSpec; params: Float32Array; card?: ModelCard } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const card = metadata.evoscale === undefined ? undefined : (JSON.parse(metadata.evoscale) as ModelCard);
  const act = activation ?? card?.activation;
  if (act === undefined) {
    throw new InvalidArgumentError(`${source} does not say its activation (no evoscale metadata): pass 'relu' or 'tanh'`); // prettier-ignore
  }
  const sizes: number[] = [];
  for (let k = 0; tensors.has(`${2 * k}.weight`); k++) {
    const w = tensors.get(`${2 * k}.weight`) as Float32Tensor;
    const b = tensors.get(`${2 * k}.bias`);
    if (w.shape.length !== 2 || b === undefined || b.shape.length !== 1 || b.shape[0] !== w.shape[0]) {
      throw new InvalidArgumentError(`${source}: layer ${2 * k} needs ${2 * k}.weight [out, in] and ${2 * k}.bias [out]`); // prettier-ignore
    }
    if (k === 0) sizes.push(w.shape[1]);
    else if (w.shape[1] !== sizes[sizes.length - 1]) {
      throw new InvalidArgumentError(`${source}: ${2 * k}.weight takes ${w.shape[1]} inputs, the layer before gives ${sizes[sizes.length - 1]}`); // prettier-ignore
    }
    sizes.push(w.shape[0]);
  }
  if (sizes.length < 2 || tensors.size !== 2 * (sizes.length - 1)) {
    throw new InvalidArgumentError(
      `${source}: expected tensors ${'0.weight, 0.bias, 2.weight, …'} of an nn.Sequential of Linear layers, got ${[...tensors.keys()].join(', ')}`,
    );
  }
  const spec: MlpSpec = { inputs: sizes[0], hidden: sizes.slice(1, -1), outputs: sizes[sizes.length - 1], activation: act }; // prettier-ignore
  const params = new Float32Array(paramCount(spec));
  layout(spec).forEach((l, k) => {
    params.set((tensors.get(`${2 * k}.weight`) as Float32Tensor).data, l.weightOffset);
    params.set((tensors.get(`${2 * k}.bias`) as Float32Tensor).data, l.biasOffset);
  });
  return { spec, params, ...(card === undefined ? {} : { card }) };
}
