/**
 * Settings (a `--config` file, a sweep's `settings.exp1|exp2`) merged over an experiment's defaults. The
 * settings were checked against the experiment's schema when the file was read (unknown keys refused, every
 * value typed), so this only overlays them.
 */

/** `defaults` overridden by every setting that is given (`$schema`, an editor's hint, is not a setting). */
export function mergeSettings<T extends object>(
  defaults: T,
  settings: (Partial<T> & { $schema?: string }) | undefined,
): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(settings ?? {})) if (k !== '$schema' && v !== undefined) out[k] = v;
  return out as T;
}
