/** The installed evoscale package: its folder and version, found by walking up from this module (src/ or dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

function findPackage(): { dir: string; json: PackageJson } | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const json = JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
      if (json.name === 'evoscale') return { dir, json };
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The evoscale package folder, or undefined when this module runs from an unusual layout (e.g. bundled). */
export function packageRoot(): string | undefined {
  return findPackage()?.dir;
}

/** The package's version from its package.json, or 'unknown'. */
export function evoscaleVersion(): string {
  const v = findPackage()?.json.version;
  return typeof v === 'string' ? v : 'unknown';
}
