#!/usr/bin/env node
// Builds the collection app's browser bundle (`evoscale collect` serves it): type-checks src/collect/app with its
// own tsconfig (DOM typings, no Node typings), bundles src/collect/app/main.ts with the shared env code into
// dist/app/app.js (one ESM file + source map), and copies the page and its style sheet beside it.
// Usage: node scripts/build-app.mjs [--out <dir>] [--no-check]
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? resolve(args[outIdx + 1]) : join(root, 'dist', 'app');
const appSrc = join(root, 'src', 'collect', 'app');
const tsconfig = join(appSrc, 'tsconfig.json');

if (!args.includes('--no-check')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    console.error(`build-app: type errors in the browser app (tsc -p ${relative(root, tsconfig)})`);
    process.exit(res.status ?? 1);
  }
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(out, { recursive: true });
const outfile = join(out, 'app.js');
await build({
  entryPoints: [join(appSrc, 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  tsconfig,
  sourcemap: 'linked',
  minify: true,
  legalComments: 'linked',
  define: { __EVOSCALE_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(appSrc, f), join(out, f));
const kib = (statSync(outfile).size / 1024).toFixed(0);
console.log(`build-app: ${relative(root, outfile)} (${kib} KiB), index.html, style.css`);
