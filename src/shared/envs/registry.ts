/**
 * `make(id, options)` and the registry of env ids, shaped after Gymnasium's gymnasium/envs/registration.py: ids are
 * `Name-vN`, each registered with a factory, a time limit and a reward threshold; a retired version is refused with
 * Gymnasium's deprecation message, and an unknown option is refused rather than ignored.
 */
import { Acrobot, type AcrobotOptions } from './acrobot.js';
import { CartPole, type CartPoleOptions } from './cartpole.js';
import { LunarLander, type LunarLanderOptions } from './lunar_lander.js';
import { MountainCar, type MountainCarOptions } from './mountain_car.js';
import { optPositiveInt, optionsRecord } from './options.js';
import { EnvError } from './types.js';
import type { Env, EnvSpec } from './types.js';

/** `make`'s own options, as Gymnasium's `make(…, max_episode_steps=…)`. */
export interface MakeOptions {
  /** Truncate episodes at this step instead of the id's default limit (Gymnasium's TimeLimit). */
  maxEpisodeSteps?: number;
}

/** The keyword options each built-in id accepts (camel-cased Gymnasium keywords), with `make`'s own. */
export interface EnvOptionsById {
  'CartPole-v1': Omit<CartPoleOptions, 'maxEpisodeSteps'> & MakeOptions;
  'Acrobot-v1': Omit<AcrobotOptions, 'maxEpisodeSteps'> & MakeOptions;
  'MountainCar-v0': Omit<MountainCarOptions, 'maxEpisodeSteps'> & MakeOptions;
  'LunarLander-v3': Omit<LunarLanderOptions, 'maxEpisodeSteps' | 'particles'> & MakeOptions;
}

/** The built-in environment ids: a typo such as `make('CartPol-v1')` fails to type-check. */
export type EnvId = keyof EnvOptionsById;

/** Builds an env from its keyword options (the registered defaults updated with those given to `make`). */
export type EnvFactory = (kwargs: Readonly<Record<string, unknown>>) => Env;

/** What `register` records besides the factory, as Gymnasium's `register(id, …)` keywords. */
export interface RegisterDefaults {
  /** Default time limit, or null for none (the factory's env must then set `maxEpisodeSteps` itself). */
  maxEpisodeSteps?: number | null;
  rewardThreshold?: number | null;
  nondeterministic?: boolean;
  /** Default keyword options passed to the factory; `make` options update them. */
  kwargs?: Readonly<Record<string, unknown>>;
}

interface Entry {
  readonly id: string;
  readonly factory: EnvFactory;
  readonly maxEpisodeSteps: number | null;
  readonly rewardThreshold: number | null;
  readonly nondeterministic: boolean;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Known up front for built-ins; measured from a built env for registered ones. */
  dims: { obsDim: number; nActions: number } | null;
}

const ID_PATTERN = /^(?:([\w:.-]+)\/)?([\w:.-]+?)(?:-v(\d+))?$/;

/** Splits `ns/Name-vN` as Gymnasium's `parse_env_id`. */
function parseId(id: string): { name: string; version: number | null } {
  const m = ID_PATTERN.exec(id);
  if (!m) {
    throw new EnvError(
      `malformed environment id '${id}'; ids look like 'Name-v1' (e.g. 'CartPole-v1').`,
      'ENV_MALFORMED_ID',
    );
  }
  const name = m[1] ? `${m[1]}/${m[2]}` : m[2];
  return { name, version: m[3] === undefined ? null : Number(m[3]) };
}

const ENTRIES = new Map<string, Entry>();

function add(id: string, factory: EnvFactory, defaults: RegisterDefaults, dims: Entry['dims']): void {
  ENTRIES.set(id, {
    id,
    factory,
    maxEpisodeSteps: defaults.maxEpisodeSteps ?? null,
    rewardThreshold: defaults.rewardThreshold ?? null,
    nondeterministic: defaults.nondeterministic ?? false,
    kwargs: { ...(defaults.kwargs ?? {}) },
    dims,
  });
}

// The built-ins, with Gymnasium's registered time limits and reward thresholds (gymnasium/envs/__init__.py).
add(
  'CartPole-v1',
  (kw) => new CartPole(kw),
  { maxEpisodeSteps: 500, rewardThreshold: 475 },
  { obsDim: 4, nActions: 2 },
);
add('Acrobot-v1', (kw) => new Acrobot(kw), { maxEpisodeSteps: 500, rewardThreshold: -100 }, { obsDim: 6, nActions: 3 });
add(
  'MountainCar-v0',
  (kw) => new MountainCar(kw),
  { maxEpisodeSteps: 200, rewardThreshold: -110 },
  { obsDim: 2, nActions: 3 },
);
add(
  'LunarLander-v3',
  (kw) => {
    // `particles` is an evoscale rendering switch, not a Gymnasium keyword; make() keeps to Gymnasium's.
    if (kw.particles !== undefined) {
      throw new EnvError(
        "make('LunarLander-v3'): unknown option 'particles'; use new LunarLander({ particles: true }) for rendering.",
        'ENV_UNKNOWN_OPTION',
      );
    }
    return new LunarLander(kw);
  },
  { maxEpisodeSteps: 1000, rewardThreshold: 200 },
  { obsDim: 8, nActions: 4 },
);

/** The built-in ids, in registration order. */
export const ENV_IDS: readonly EnvId[] = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'LunarLander-v3'];

/** Ids Gymnasium once had that evoscale does not build, with what to use instead. */
const RETIRED: Readonly<Record<string, string>> = {
  'CartPole-v0':
    "evoscale registers CartPole-v1 only; Gymnasium's CartPole-v0 is CartPole-v1 with a 200-step limit and reward " +
    "threshold 195: use make('CartPole-v1', { maxEpisodeSteps: 200 }).",
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * Gymnasium's checks for an id that is not registered: a lower version than the latest is deprecated (its exact
 * message), a higher one does not exist, an unknown name gets the closest known id suggested.
 */
function unknownIdError(id: string): EnvError {
  if (Object.prototype.hasOwnProperty.call(RETIRED, id)) {
    return new EnvError(`environment id '${id}' is not available: ${RETIRED[id]}`, 'ENV_UNKNOWN_ID');
  }
  const known = [...ENTRIES.keys()];
  const list = `known ids: ${known.join(', ')}`;
  let parsed: { name: string; version: number | null };
  try {
    parsed = parseId(id);
  } catch {
    return new EnvError(`unknown environment id '${id}'; ${list}`, 'ENV_UNKNOWN_ID');
  }
  const sameName = known
    .map((k) => ({ id: k, ...parseId(k) }))
    .filter((k) => k.name === parsed.name && k.version !== null);
  if (sameName.length > 0 && parsed.version !== null) {
    const latest = sameName.reduce((a, b) => ((a.version as number) >= (b.version as number) ? a : b));
    if (parsed.version < (latest.version as number)) {
      return new EnvError(
        `Environment version v${parsed.version} for \`${parsed.name}\` is deprecated. Please use \`${latest.id}\` instead.`,
        'ENV_DEPRECATED',
      );
    }
    const versions = sameName.map((k) => `\`v${k.version}\``).join(', ');
    return new EnvError(
      `Environment version \`v${parsed.version}\` for environment \`${parsed.name}\` doesn't exist. ` +
        `It provides versioned environments: [ ${versions} ].`,
      'ENV_VERSION_NOT_FOUND',
    );
  }
  const closest = known
    .map((k) => ({ k, d: editDistance(id.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  const hint = closest !== undefined && closest.d <= 3 ? ` Did you mean '${closest.k}'?` : '';
  return new EnvError(`unknown environment id '${id}';${hint} ${list}`, 'ENV_UNKNOWN_ID');
}

function entry(id: string): Entry {
  const e = typeof id === 'string' ? ENTRIES.get(id) : undefined;
  if (!e) throw unknownIdError(String(id));
  return e;
}

function specOf(e: Entry, kwargs: Readonly<Record<string, unknown>>, maxEpisodeSteps: number | null): EnvSpec {
  if (e.dims === null) {
    const env = e.factory(e.kwargs);
    e.dims = { obsDim: env.observationSpace.shape[0] ?? 1, nActions: env.actionSpace.n };
  }
  const { name, version } = parseId(e.id);
  return Object.freeze({
    id: e.id,
    name,
    version,
    kwargs: Object.freeze({ ...kwargs }),
    maxEpisodeSteps,
    rewardThreshold: e.rewardThreshold,
    nondeterministic: e.nondeterministic,
    obsDim: e.dims.obsDim,
    nActions: e.dims.nActions,
  });
}

/**
 * Registers `id` (`Name-vN`) so `make(id, options)` builds it with `factory`. `defaults` are Gymnasium's `register`
 * keywords: the time limit (passed to the factory as `maxEpisodeSteps`), reward threshold and default kwargs.
 * Re-registering an id replaces it, as Gymnasium does (with a warning there).
 */
export function register(id: string, factory: EnvFactory, defaults: RegisterDefaults = {}): void {
  parseId(id);
  if (typeof factory !== 'function') {
    throw new EnvError(`register('${id}'): factory must be a function (kwargs) => Env.`, 'ENV_BAD_REGISTRATION');
  }
  const limit = defaults.maxEpisodeSteps;
  if (limit !== null && limit !== undefined) optPositiveInt(`register('${id}')`, 'maxEpisodeSteps', limit);
  add(id, factory, defaults, null);
}

/**
 * The id type `make`'s run-time overload accepts: the wide `string` only. A string literal (a typo such as
 * 'CartPol-v1', or a built-in id, which the typed overload takes) becomes `never`, so a typo fails to type-check.
 * Ids registered at run time are passed as `string` values (e.g. `const myId: string = 'MyEnv-v0'; make(myId)`).
 */
export type RuntimeEnvId<T extends string> = string extends T ? T : never;

/** Creates a fresh built-in environment; `options` are its camel-cased Gymnasium keywords and `maxEpisodeSteps`. */
export function make<I extends EnvId>(id: I, options?: EnvOptionsById[I]): Env;
/** Creates a fresh environment from an id known only at run time (a registered one, or user input checked here). */
export function make<T extends string>(id: T & RuntimeEnvId<T>, options?: Readonly<Record<string, unknown>>): Env;
export function make(id: string, options?: Readonly<Record<string, unknown>>): Env {
  const e = entry(id);
  const where = `make('${id}')`;
  const { maxEpisodeSteps: limitOption, ...kwargs } = optionsRecord(where, options);
  const limit = optPositiveInt(where, 'maxEpisodeSteps', limitOption) ?? e.maxEpisodeSteps;
  const merged = { ...e.kwargs, ...kwargs };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const env = e.factory(limit === null ? merged : { ...merged, maxEpisodeSteps: limit });
  if (limit !== null && env.maxEpisodeSteps !== limit) {
    throw new EnvError(
      `${where}: the registered factory ignored maxEpisodeSteps=${limit} (its env has ${env.maxEpisodeSteps}); ` +
        'pass the kwargs maxEpisodeSteps on to the env.',
      'ENV_BAD_REGISTRATION',
    );
  }
  // The spec is make's record of how the env was built, as Gymnasium sets `env.spec`.
  Object.defineProperty(env, 'spec', { value: specOf(e, merged, limit), enumerable: true, configurable: true });
  return env;
}

/** The spec of a registered id with its default options, without building the env (for built-ins). */
export function envSpec(id: string): EnvSpec {
  const e = entry(id);
  return specOf(e, e.kwargs, e.maxEpisodeSteps);
}

/** Every registered id and its default spec (Gymnasium's `gymnasium.registry`), in registration order. */
export function registry(): ReadonlyMap<string, EnvSpec> {
  return new Map([...ENTRIES.keys()].map((id) => [id, envSpec(id)]));
}

/** The registered ids grouped by family, one line each (Gymnasium's `pprint_registry`, returned as text). */
export function pprintRegistry(): string {
  const lines = [...ENTRIES.values()].map((e) => {
    const limit = e.maxEpisodeSteps === null ? 'no time limit' : `maxEpisodeSteps ${e.maxEpisodeSteps}`;
    const threshold = e.rewardThreshold === null ? '' : `, rewardThreshold ${e.rewardThreshold}`;
    return `${e.id.padEnd(20)} ${limit}${threshold}`;
  });
  return lines.join('\n');
}
