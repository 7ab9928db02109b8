/**
 * What a user gets from `npm install evoscale`: the project is packed (`npm pack`) and the tarball installed into an
 * empty folder, then used from there as a user would. The dependencies come from the npm cache when it has them
 * (`--prefer-offline`), else from the registry.
 *
 * The pack runs with --ignore-scripts: the prepack build would rewrite dist/ under the tests running from it, and
 * `npm test` has just built it. The tarball therefore holds this checkout's dist/ (build first).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from './helpers/paths.js';

const MINUTE = 60_000;

function run(cmd: string, args: string[], cwd: string, timeout = 3 * MINUTE): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error !== undefined) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  return r.stdout;
}

describe('the packed evoscale, installed into an empty folder', { timeout: 8 * MINUTE }, () => {
  let tmp = '';
  let app = '';
  let packed: string[] = [];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license: string;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    devDependencies?: Record<string, string>;
    dependencies?: Record<string, string>;
  };

  before(() => {
    assert.ok(
      existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js')) && existsSync(join(repoRoot, 'dist', 'app')),
      'dist/src or dist/app is missing: run `npm run build` first',
    );
    tmp = mkdtempSync(join(tmpdir(), 'evoscale-pack-'));
    const out = ok(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], repoRoot), 'npm pack');
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    packed = info.files.map((f) => f.path);
    app = join(tmp, 'app');
    rmSync(app, { recursive: true, force: true });
    ok(run('mkdir', ['-p', app], tmp), 'mkdir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
    ok(
      run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(tmp, info.filename)],
        app,
        5 * MINUTE,
      ),
      'npm install <tarball>',
    );
  });

  after(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('ships the built code, the browser app, the schemas and the licence, and no tests, bench, CI, fixtures or source maps', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts']) {
      assert.ok(packed.includes(f), `${f} is missing from the tarball`);
    }
    for (const f of ['dist/src/node.js', 'dist/src/cli/main.js', 'dist/app/app.js', 'schemas/exp1.schema.json']) {
      assert.ok(packed.includes(f), `${f} is missing from the tarball`);
    }
    const unwanted = packed.filter(
      (f) =>
        /^(test|bench|\.ci|\.github|deploy|scripts|src|docs)\//.test(f) ||
        /^dist\/(test|bench)\//.test(f) ||
        /(\.map|\.test\.[jt]s|\.tgz)$|fixtures\//.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  it('has a LICENSE file whose text is the licence package.json names (MIT) and the npm metadata', () => {
    assert.equal(pkg.license, 'MIT');
    const text = readFileSync(join(app, 'node_modules', 'evoscale', 'LICENSE'), 'utf8');
    assert.match(text, /^MIT License\n/);
    assert.match(text, /Permission is hereby granted, free of charge/);
    // No `repository` yet: the project has no public URL, and a made-up one would send users nowhere.
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'evoscale', 'package.json'), 'utf8')) as {
      keywords?: string[];
    };
    assert.ok((installed.keywords ?? []).includes('neuroevolution'));
  });

  it('leaves @tensorflow/tfjs out: an optional peer dependency, still a devDependency for the tests', () => {
    assert.equal(pkg.dependencies?.['@tensorflow/tfjs'], undefined);
    assert.ok(pkg.peerDependencies?.['@tensorflow/tfjs'] !== undefined);
    assert.equal(pkg.peerDependenciesMeta?.['@tensorflow/tfjs']?.optional, true);
    assert.ok(pkg.devDependencies?.['@tensorflow/tfjs'] !== undefined);
    assert.equal(existsSync(join(app, 'node_modules', '@tensorflow')), false, 'npm installed @tensorflow/*');
  });

  it("imports 'evoscale' and 'evoscale/node' without TensorFlow.js", () => {
    const code =
      "const m = await import('evoscale'); const n = await import('evoscale/node');" +
      "const env = m.make('CartPole-v1'); env.reset({ seed: 0 });" +
      'console.log(JSON.stringify({ plan: n.planExp1(n.EXP1_DEFAULTS).length, runExp1: typeof n.runExp1 }));';
    const out = JSON.parse(ok(run(process.execPath, ['--input-type=module', '-e', code], app), 'node -e')) as {
      plan: number;
      runExp1: string;
    };
    assert.ok(out.plan > 0);
    assert.equal(out.runExp1, 'function');
  });

  it('type-checks a TypeScript user file against the published typings with skipLibCheck: false', () => {
    writeFileSync(
      join(app, 'user.ts'),
      [
        "import { CartPole, EvoscaleError, make } from 'evoscale';",
        "import { createEngine, EXP1_DEFAULTS, planExp1, type EvaluationEngine } from 'evoscale/node';",
        '',
        'const env = new CartPole();',
        "const other = make('CartPole-v1');",
        "const engine: Promise<EvaluationEngine> = createEngine('cpu');",
        'export const summary = { trials: planExp1(EXP1_DEFAULTS).length, env, other, engine };',
        'export const isOurs = (e: unknown): boolean => e instanceof EvoscaleError;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
          // A user project would install @types/node itself; the checkout's copy saves a download.
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['user.ts'],
      }),
    );
    const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    ok(run(process.execPath, [tsc, '-p', 'tsconfig.json'], app), 'tsc');
  });

  it('`npx evoscale run exp1 --plan` prints the plan', () => {
    const out = ok(
      run('npx', ['--no-install', 'evoscale', 'run', 'exp1', '--plan'], app),
      'npx evoscale run exp1 --plan',
    );
    const plan = JSON.parse(out) as { trials: { id: string }[]; totalPlannedFlops: number };
    assert.ok(plan.trials.length > 0);
    assert.ok(plan.totalPlannedFlops > 0);
  });

  it('`--backend tfjs` without @tensorflow/tfjs is refused with the command that installs it', () => {
    const r = run(
      'npx',
      ['--no-install', 'evoscale', 'worker', '--connect', 'tcp://127.0.0.1:1', '--backend', 'tfjs'],
      app,
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /backend 'tfjs' is not available/);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs/);
  });
});
