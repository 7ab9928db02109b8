/**
 * Observation and action sizes of the environments datasets can belong to. Kept as a table (not by
 * constructing envs) so that loading a file never builds a physics world; a test checks it against `make()`.
 */
import { DatasetError } from './errors.js';

export interface DatasetEnvSpec {
  readonly id: string;
  readonly obsDim: number;
  readonly nActions: number;
}

export const DATASET_ENVS: readonly DatasetEnvSpec[] = [
  { id: 'CartPole-v1', obsDim: 4, nActions: 2 },
  { id: 'Acrobot-v1', obsDim: 6, nActions: 3 },
  { id: 'MountainCar-v0', obsDim: 2, nActions: 3 },
  { id: 'LunarLander-v3', obsDim: 8, nActions: 4 },
];

// The HuggingFace datasets were recorded on LunarLander-v2; v3 only fixed bugs that do not change the spaces.
const ALIASES: Readonly<Record<string, string>> = { 'LunarLander-v2': 'LunarLander-v3' };

function knownList(): string {
  return DATASET_ENVS.map((e) => `${e.id} (obs ${e.obsDim}, ${e.nActions} actions)`).join(', ');
}

/** Looks up an env id (aliases accepted); throws a DatasetError listing the known ids when it is unknown. */
export function datasetEnvSpec(envId: string): DatasetEnvSpec {
  const id = ALIASES[envId] ?? envId;
  const spec = DATASET_ENVS.find((e) => e.id === id);
  if (!spec) throw new DatasetError(`unknown environment '${envId}'; known: ${knownList()}`);
  return spec;
}

/**
 * The env a dataset belongs to, from its observation size. `where` names the data in the message
 * (e.g. the file) so the user knows which `--env` to add.
 */
export function inferEnvSpec(obsDim: number, where: string): DatasetEnvSpec {
  const matches = DATASET_ENVS.filter((e) => e.obsDim === obsDim);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new DatasetError(
      `${where}: observations have ${obsDim} values and no built-in environment has that size ` +
        `(known: ${knownList()}); pass the environment explicitly (--env <id> / { envId })`,
    );
  }
  throw new DatasetError(
    `${where}: observations have ${obsDim} values, which fits ${matches.map((e) => e.id).join(' and ')}; ` +
      `pass the environment explicitly (--env <id> / { envId })`,
  );
}
