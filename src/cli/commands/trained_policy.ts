/**
 * A trained policy from a results folder: `final_params.f32` (little-endian float32, the MLP's flat layout) and
 * the architecture and env id from the trial's `config.json` beside it (or a `model.json` there).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EvoscaleError } from '../../shared/errors.js';
import { checkSpec, describeSpec, greedyPolicy, paramCount, type MlpSpec } from '../../shared/model/mlp.js';

/** A params file or its architecture cannot be used for a rollout. */
export class PolicyFileError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'POLICY_FILE');
  }
}

export interface TrainedPolicy {
  readonly spec: MlpSpec;
  /** The env the trial trained on, when the config names it. */
  readonly envId: string | undefined;
  readonly params: Float32Array;
  readonly act: (obs: Float32Array) => number;
  /** Which file the architecture came from. */
  readonly architectureFile: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PolicyFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function asSpec(v: unknown, file: string): MlpSpec | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const m = (typeof o.model === 'object' && o.model !== null ? o.model : o) as Record<string, unknown>;
  const hidden = m.hidden;
  if (typeof m.inputs !== 'number' || typeof m.outputs !== 'number' || !Array.isArray(hidden)) return undefined;
  const activation = m.activation ?? 'tanh';
  if (activation !== 'relu' && activation !== 'tanh') {
    throw new PolicyFileError(`${file}: model.activation must be 'relu' or 'tanh', got '${String(activation)}'`);
  }
  const spec: MlpSpec = { inputs: m.inputs, hidden: hidden as number[], outputs: m.outputs, activation };
  try {
    checkSpec(spec);
  } catch (err) {
    throw new PolicyFileError(`${file}: ${(err as Error).message}`);
  }
  return spec;
}

/** Loads `paramsPath` and its architecture; `configPath` overrides where the architecture is read from. */
export function loadTrainedPolicy(paramsPath: string, configPath?: string): TrainedPolicy {
  if (!existsSync(paramsPath) || !statSync(paramsPath).isFile()) {
    throw new PolicyFileError(
      `--params: no file at '${paramsPath}'; pass a trial's final_params.f32, e.g. results/exp1/trials/<trial>/final_params.f32`,
    );
  }
  const candidates = configPath ? [configPath] : ['config.json', 'model.json'].map((f) => join(dirname(paramsPath), f));
  let spec: MlpSpec | undefined;
  let envId: string | undefined;
  let architectureFile = '';
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const json = readJson(file);
    spec = asSpec(json, file);
    if (spec) {
      architectureFile = file;
      const id = (json as Record<string, unknown>).envId;
      envId = typeof id === 'string' ? id : undefined;
      break;
    }
  }
  if (!spec) {
    throw new PolicyFileError(
      `--params ${paramsPath}: no architecture found in ${candidates.join(' or ')}; a trial folder's config.json has ` +
        `"model": { "inputs", "hidden", "outputs", "activation" } (pass another file with --model-config).`,
    );
  }
  const bytes = readFileSync(paramsPath);
  const expected = paramCount(spec);
  if (bytes.length !== expected * 4) {
    throw new PolicyFileError(
      `--params ${paramsPath}: holds ${bytes.length / 4} float32 values, but the ${describeSpec(spec)} network of ` +
        `${architectureFile} needs ${expected}; the file and its config do not belong together.`,
    );
  }
  const params = new Float32Array(expected);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < expected; i++) params[i] = view.getFloat32(i * 4, true);
  return { spec, envId, params, act: greedyPolicy(spec, params), architectureFile };
}
