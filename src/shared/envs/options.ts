/**
 * Validation of the options users pass to envs (constructor keywords, `make` options, `reset` options), so every env
 * refuses an unknown key or a bad value the same way: naming the env, the key and what to pass instead.
 */
import { EnvError } from './types.js';
import type { EnvSpec } from './types.js';

/** A plain options object, or undefined; anything else (an array, a number) is refused. */
export function optionsRecord(where: string, options: unknown): Readonly<Record<string, unknown>> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new EnvError(`${where}: options must be an object, got ${JSON.stringify(options)}.`, 'ENV_BAD_OPTION');
  }
  return options as Readonly<Record<string, unknown>>;
}

/** Throws for any key of `options` not in `allowed` (undefined values count as absent). */
export function checkKeys(where: string, options: Readonly<Record<string, unknown>>, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (options[key] === undefined) continue;
    if (!allowed.includes(key)) {
      const hint = allowed.length > 0 ? `accepted: ${allowed.join(', ')}` : 'it accepts none';
      throw new EnvError(`${where}: unknown option '${key}'; ${hint}.`, 'ENV_UNKNOWN_OPTION');
    }
  }
}

/** An optional boolean option. */
export function optBoolean(where: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new EnvError(`${where}: ${name} must be true or false, got ${JSON.stringify(value)}.`, 'ENV_BAD_OPTION');
  }
  return value;
}

/** An optional finite number option. */
export function optNumber(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EnvError(`${where}: ${name} must be a finite number, got ${String(value)}.`, 'ENV_BAD_OPTION');
  }
  return value;
}

/** An optional positive integer option (a time limit, a count). */
export function optPositiveInt(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new EnvError(
      `${where}: ${name} must be a positive integer, got ${String(value)} (Gymnasium: "Expect the max_episode_steps to be positive").`,
      'ENV_BAD_OPTION',
    );
  }
  return value;
}

/**
 * Gymnasium's `utils.maybe_parse_reset_bounds`: `low`/`high` from reset options, each defaulting on its own, both
 * numbers with low ≤ high. Unlike Gymnasium, other keys are refused rather than ignored.
 */
export function resetBounds(
  envId: string,
  options: unknown,
  defaultLow: number,
  defaultHigh: number,
): [low: number, high: number] {
  const where = `${envId}.reset`;
  const opts = optionsRecord(where, options);
  checkKeys(where, opts, ['low', 'high']);
  const low = optNumber(where, 'options.low', opts.low) ?? defaultLow;
  const high = optNumber(where, 'options.high', opts.high) ?? defaultHigh;
  if (low > high) {
    throw new EnvError(
      `${where}: options.low (${low}) must not exceed options.high (${high}) (defaults: low ${defaultLow}, high ${defaultHigh}).`,
      'ENV_BAD_OPTION',
    );
  }
  return [low, high];
}

/** Refuses any reset option, for envs whose reset takes none (Gymnasium's would ignore them). */
export function noResetOptions(envId: string, options: unknown): void {
  checkKeys(`${envId}.reset`, optionsRecord(`${envId}.reset`, options), []);
}

/** `<CartPole<CartPole-v1, maxEpisodeSteps=500, suttonBartoReward=true>>`, or `<CartPole instance>` without a spec. */
export function describeEnv(className: string, spec: EnvSpec | null): string {
  if (spec === null) return `<${className} instance>`;
  const parts = [spec.id];
  if (spec.maxEpisodeSteps !== null) parts.push(`maxEpisodeSteps=${spec.maxEpisodeSteps}`);
  for (const [k, v] of Object.entries(spec.kwargs)) parts.push(`${k}=${JSON.stringify(v)}`);
  return `<${className}<${parts.join(', ')}>>`;
}
