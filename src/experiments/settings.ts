/** Settings files (`--config`, a sweep's `settings.exp1|exp2`) merged over an experiment's defaults. */
import { InvalidArgumentError } from '../shared/errors.js';

/** Settings an experiment accepts that have no default value (so they are not keys of its defaults object). */
const OPTIONAL_SETTINGS: readonly string[] = ['envIds', 'budgetSeconds', 'datasetSteps', 'splitSeed'];

/**
 * `defaults` overridden by `settings`; an unknown key is an error that lists the known ones, so a typo in a
 * config file fails loudly instead of silently running the defaults.
 */
export function mergeSettings<T extends object>(
  defaults: T,
  settings: Readonly<Record<string, unknown>> | undefined,
  where: string,
): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (!(k in defaults) && !OPTIONAL_SETTINGS.includes(k)) {
      const known = [...Object.keys(defaults), ...OPTIONAL_SETTINGS.filter((o) => !(o in defaults))];
      throw new InvalidArgumentError(`${where}: unknown setting '${k}'; known: ${known.join(', ')}`);
    }
    out[k] = v;
  }
  return out as T;
}
