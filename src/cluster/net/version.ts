/** The evoscale version of this installation (from package.json, found from src/ or dist/src/). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function softwareVersion(): string {
  if (cached !== undefined) return cached;
  for (const rel of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'evoscale' && typeof pkg.version === 'string') return (cached = `evoscale ${pkg.version}`);
    } catch {
      // try the next candidate
    }
  }
  return (cached = 'evoscale unknown');
}
