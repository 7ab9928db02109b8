import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from './helpers/paths.js';

// The rule `npm run check` applies (.dependency-cruiser.mjs), run on tiny source trees written here, so that each
// kind of violation is shown to fail the check and a clean tree to pass it.
const depcruise = join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = join(repoRoot, '.dependency-cruiser.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'evoscale-layering-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const TSCONFIG = JSON.stringify({
  compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true },
  include: ['src/**/*.ts'],
});

interface Cruise {
  readonly status: number | null;
  readonly output: string;
}

function cruise(cwd: string): Cruise {
  const r = spawnSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Cruises a source tree made of `files` (paths under src/ → contents). */
function cruiseTree(name: string, files: Readonly<Record<string, string>>): Cruise {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries({ 'tsconfig.json': TSCONFIG, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return cruise(root);
}

describe('the layering rule of npm run check', () => {
  it('accepts a tree whose imports point down (cli → experiments → coordinator → trials → worker → shared)', () => {
    const r = cruiseTree('clean', {
      'src/shared/rng.ts': 'export const seed = 1;\n',
      'src/worker/engine.ts': "import { seed } from '../shared/rng.js';\nexport const run = () => seed;\n",
      'src/trials/trial.ts': "import { run } from '../worker/engine.js';\nexport const trial = () => run();\n",
      'src/coordinator/sweep.ts': "import { trial } from '../trials/trial.js';\nexport const sweep = () => trial();\n",
      'src/experiments/exp1.ts':
        "import { sweep } from '../coordinator/sweep.js';\nexport const exp1 = () => sweep();\n",
      'src/cli/main.ts': "import { exp1 } from '../experiments/exp1.js';\nexp1();\n",
    });
    assert.equal(r.status, 0, r.output);
  });

  it('fails on an upward import (a worker module importing the trials layer) and names both files', () => {
    const r = cruiseTree('upward', {
      'src/trials/trial.ts': 'export interface TrialSpec {\n  id: string;\n}\n',
      'src/worker/runner.ts':
        "import { type TrialSpec } from '../trials/trial.js';\nexport const id = (s: TrialSpec) => s.id;\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /layer-worker: src\/worker\/runner\.ts → src\/trials\/trial\.ts/);
  });

  it('fails on a type-only upward import too (a type that lives above its user is an upward arrow)', () => {
    const r = cruiseTree('type-only', {
      'src/coordinator/metrics.ts': 'export interface Metrics {\n  n: number;\n}\n',
      'src/cluster/client.ts':
        "import type { Metrics } from '../coordinator/metrics.js';\nexport const n = (m: Metrics) => m.n;\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /layer-cluster: src\/cluster\/client\.ts → src\/coordinator\/metrics\.ts/);
  });

  it('fails on an import between sibling layers of one rank (experiments → collect)', () => {
    const r = cruiseTree('sideways', {
      'src/collect/store.ts': 'export const read = () => [];\n',
      'src/experiments/exp3.ts': "import { read } from '../collect/store.js';\nexport const exp3 = () => read();\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /layer-experiments: src\/experiments\/exp3\.ts → src\/collect\/store\.ts/);
  });

  it('fails on an import cycle, even inside one layer', () => {
    const r = cruiseTree('cycle', {
      'src/experiments/report.ts':
        "import type { Result } from './run.js';\nexport const show = (r: Result) => String(r.score);\n",
      'src/experiments/run.ts':
        "import { show } from './report.js';\nexport interface Result {\n  score: number;\n}\nexport const run = () => show({ score: 1 });\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /no-circular: src\/experiments\/(report|run)\.ts/);
  });

  it('fails on a Node built-in imported by src/shared, which must stay browser-safe', () => {
    const r = cruiseTree('impure', {
      'src/shared/io.ts':
        "import { readFileSync } from 'node:fs';\nexport const read = (p: string) => readFileSync(p);\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /shared-is-pure: src\/shared\/io\.ts → (node:)?fs/);
  });

  it('fails on a folder under src/ that belongs to no layer', () => {
    const r = cruiseTree('unknown', {
      'src/shared/rng.ts': 'export const seed = 1;\n',
      'src/misc/util.ts': "import { seed } from '../shared/rng.js';\nexport const s = seed;\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /layer-unknown: src\/misc\/util\.ts/);
  });

  it("holds for evoscale's own src/", () => {
    const r = cruise(repoRoot);
    assert.equal(r.status, 0, r.output);
  });
});

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('files located at run time', () => {
  // Thread entry files are found by URL, which the compiler does not check: after a file moves, a stale URL would
  // quietly fall back to running inline (src/experiments/runner.ts) or fail only when a pool starts.
  it('every module a thread is started from, located by `new URL(…, import.meta.url)` or `workerModule`, exists', () => {
    const patterns = [
      /new URL\(\s*(?:'([^']*)'|`([^`]*)`)\s*,\s*import\.meta\.url/g,
      /workerModule\(\s*import\.meta\.url\s*,\s*(?:'([^']*)'|`([^`]*)`)/g,
    ];
    const located: string[] = [];
    for (const file of sources(join(repoRoot, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of patterns.flatMap((p) => [...text.matchAll(p)])) {
        // `${…}` in these templates picks the .ts or .js extension, and workerModule adds it: check the source file.
        const named = (m[1] ?? m[2]).replace(/\$\{[^}]*\}/g, '.ts').replace(/\.js$/, '.ts');
        const target = extname(named) === '' ? `${named}.ts` : named;
        if (target.endsWith('package.json')) continue; // looked up from src/ and dist/src/ alike, one miss expected
        const path = join(dirname(file), target);
        located.push(relative(repoRoot, path));
        assert.ok(existsSync(path), `${relative(repoRoot, file)} locates ${target}, which does not exist`);
      }
    }
    assert.ok(
      located.some((p) => p.endsWith('trial_worker.ts')),
      `the trial worker is located: ${located.join(', ')}`,
    );
  });
});
