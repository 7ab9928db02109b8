/** The built browser app (`dist/app/`, made by `scripts/build-app.mjs`): where it is and which files it serves. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CollectError } from './errors.js';
import { packageRoot as findPackageRoot } from '../platform/package_info.js';

/** Served file names and their content types; nothing else in the folder is reachable. */
export const APP_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js.LEGAL.txt': 'text/plain; charset=utf-8',
};

/** The evoscale package folder (the nearest package.json named evoscale above this module, in src/ or dist/). */
export function packageRoot(): string {
  const root = findPackageRoot();
  if (root === undefined)
    throw new CollectError(`cannot find the evoscale package folder above ${fileURLToPath(import.meta.url)}`);
  return root;
}

/** Where `scripts/build-app.mjs` puts the app. */
export function defaultAppDir(): string {
  return join(packageRoot(), 'dist', 'app');
}

/** Throws, saying how to build it, unless `dir` holds the built app. */
export function checkAppDir(dir: string): void {
  const missing = ['index.html', 'app.js', 'style.css'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0)
    throw new CollectError(
      `the browser app is not built (${missing.map((f) => join(dir, f)).join(', ')} missing); run 'npm run build' ` +
        `(or 'node scripts/build-app.mjs') in the evoscale folder, then start 'evoscale collect' again`,
      'COLLECT_APP_NOT_BUILT',
    );
}
