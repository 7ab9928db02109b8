import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Root of evoscale's download/generation cache: $EVOSCALE_CACHE, else ~/.cache/evoscale. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.EVOSCALE_CACHE;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv);
  return join(homedir(), '.cache', 'evoscale');
}
