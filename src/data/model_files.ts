/**
 * Trained weights as PyTorch loads them: `model.safetensors` (tensors `0.weight`, `0.bias`, `2.weight`, … of an
 * `nn.Sequential` of Linear layers) and `model.json` (the architecture and the env), written beside a results
 * folder's `final_params.f32` or from any params file.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { make } from '../shared/envs/registry.js';
import { EnvError } from '../shared/envs/types.js';
import { InvalidArgumentError } from '../shared/errors.js';
import type { Activation, MlpSpec } from '../shared/model/mlp.js';
import { mlpFromSafetensors, mlpToSafetensors, modelCard, type ModelCard, type ModelEnvInfo } from '../shared/model/torch.js'; // prettier-ignore

export const MODEL_SAFETENSORS = 'model.safetensors';
export const MODEL_JSON = 'model.json';

/**
 * What a network's inputs and outputs mean, from the env it plays (observation shape and bounds, actions); with
 * `inputs`, the network's input width, any inputs beyond the observation are counted as `extraInputs`.
 */
export function modelEnvInfo(envId: string, inputs?: number): ModelEnvInfo {
  const env = make(envId);
  const bound = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const obsDim = env.observationSpace.low.length;
  return {
    id: envId,
    observationShape: [...env.observationSpace.shape],
    observationLow: Array.from(env.observationSpace.low, bound),
    observationHigh: Array.from(env.observationSpace.high, bound),
    actions: env.actionSpace.n,
    ...(inputs !== undefined && inputs !== obsDim ? { extraInputs: inputs - obsDim } : {}),
  };
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${threadId}`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Writes `dir/model.safetensors` and `dir/model.json` for `params` (the flat layout of `spec`). An `envId` that
 * `make` refuses throws, unless `ifEnvUnknown` is 'omit' (then the card has no env): a finished trial should not
 * fail over its metadata.
 */
export function writeTorchModel(
  dir: string,
  spec: MlpSpec,
  params: Float32Array,
  envId?: string,
  options: { ifEnvUnknown?: 'throw' | 'omit' } = {},
): ModelCard {
  let env: ModelEnvInfo | undefined;
  try {
    env = envId === undefined ? undefined : modelEnvInfo(envId, spec.inputs);
  } catch (err) {
    if (!(err instanceof EnvError) || options.ifEnvUnknown !== 'omit') throw err;
  }
  const bytes = mlpToSafetensors(spec, params, env);
  const card = modelCard(spec, env);
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, MODEL_SAFETENSORS), bytes);
  writeAtomic(join(dir, MODEL_JSON), JSON.stringify(card, null, 2) + '\n');
  return card;
}

/**
 * Reads a model written by `writeTorchModel`: `path` is its folder or the .safetensors file itself. `activation`
 * is needed only for files from elsewhere (e.g. PyTorch's own `save_file`), which do not record it.
 */
export function readTorchModel(
  path: string,
  activation?: Activation,
): { spec: MlpSpec; params: Float32Array; card?: ModelCard } {
  const file = path.endsWith('.safetensors') ? path : join(path, MODEL_SAFETENSORS);
  if (!existsSync(file)) {
    throw new InvalidArgumentError(`${file} does not exist: pass a results folder holding ${MODEL_SAFETENSORS} or the file itself`); // prettier-ignore
  }
  return mlpFromSafetensors(new Uint8Array(readFileSync(file)), activation, file);
}

/**
 * Exports a raw params file (little-endian float32 in the flat layout, e.g. `final_params.f32`) as
 * `model.safetensors` + `model.json` in `outDir` (default: beside it).
 */
export function exportParamsFile(
  paramsFile: string,
  spec: MlpSpec,
  options: { envId?: string; outDir?: string } = {},
): ModelCard {
  const b = readFileSync(paramsFile);
  if (b.byteLength % 4 !== 0) {
    throw new InvalidArgumentError(`${paramsFile}: ${b.byteLength} bytes is not a whole number of float32 values`);
  }
  const params = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return writeTorchModel(options.outDir ?? dirname(paramsFile), spec, params, options.envId);
}
