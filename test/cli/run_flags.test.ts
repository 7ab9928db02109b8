/** `evoscale run`'s flags, run as a user would: the refused ones exit 1 naming the flag and what to do instead. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../helpers/paths.js';
import { parseFractionList, parseList } from '../../src/cli/options.js';
import { envVarOf } from '../../src/cli/program.js';

function evoscale(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EVOSCALE_')));
  return spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}

function refused(args: string[], pattern: RegExp): void {
  const r = evoscale(args);
  assert.equal(r.status, 1, `${args.join(' ')} should be refused; stdout: ${r.stdout.slice(0, 300)}`);
  assert.match(r.stderr, pattern);
}

test('--fractions above 1 is refused, not read as a percentage', () => {
  refused(
    ['run', 'exp2', '--fractions', '1.5', '--plan'],
    /--fractions: 1\.5 is not a fraction in \(0, 1\]; for 1\.5% write 0\.015/,
  );
  assert.throws(() => parseFractionList('--fractions', '0.5,0'), /0 is not a fraction/);
  assert.deepEqual(parseFractionList('--fractions', '0.9, 0.3,1'), [0.9, 0.3, 1]);
});

test('an empty list item is refused, not dropped', () => {
  refused(['run', 'exp1', '--sizes', '100,,300', '--plan'], /--sizes '100,,300': item 2 is empty/);
  refused(['run', 'exp1', '--methods', 'sgd,', '--plan'], /--methods 'sgd,': item 2 is empty/);
  assert.throws(() => parseList('--seeds', ''), /needs at least one value/);
  assert.deepEqual(parseList('--methods', ' a , b'), ['a', 'b']);
});

test('a flag the chosen experiment ignores is refused', () => {
  refused(['run', 'exp2', '--sizes', '100,1000', '--fractions', '0.5', '--plan'], /--sizes and --fractions .*only one/);
  refused(['run', 'exp1', '--fitness-batch', 'code', '--plan'], /--fitness-batch does not apply to exp1/);
  refused(
    ['run', 'exp2', '--epochs', '3', '--generations', '2', '--plan'],
    /--epochs, --generations do not apply to exp2/,
  );
  refused(['run', 'exp1', '--fractions', '0.5', '--plan'], /--fractions does not apply to exp1/);
  refused(['run', 'exp1', '--sgd-steps', '10', '--plan'], /--sgd-steps does not apply to exp1/);
  refused(['run', 'exp1', '--policy', 'greedy', '--plan'], /--policy does not apply to exp1/);
  refused(['run', 'exp3', '--sizes', '100', '--plan'], /--sizes does not apply to exp3/);
  refused(['run', 'exp3', '--coordinator', 'tcp://127.0.0.1:1', '--plan'], /--coordinator does not apply to exp3/);
});

test('cluster flags without --coordinator are refused', () => {
  refused(['run', 'exp1', '--min-workers', '2', '--plan'], /--min-workers only apply with --coordinator/);
});

test('--plan with --resume or --overwrite is refused (a plan writes nothing)', () => {
  refused(['run', 'exp1', '--plan', '--resume'], /--plan writes nothing/);
});

test('--threads names thread counts; the old --workers still works but not both together', () => {
  refused(['run', 'exp1', '--threads', '2', '--workers', '2', '--plan'], /--workers is the old name of --threads/);
  assert.equal(evoscale(['run', 'exp1', '--workers', '2', '--plan']).status, 0);
  const help = evoscale(['run', '--help']).stdout;
  assert.match(help, /--threads <n>/);
  assert.doesNotMatch(help, /--workers <n>/);
});

test('every flag can be set by an EVOSCALE_* variable; a typed flag wins over it', () => {
  assert.equal(envVarOf('--cache-dir'), 'EVOSCALE_CACHE_DIR');
  assert.equal(envVarOf('--no-resume'), 'EVOSCALE_NO_RESUME');
  const sizes = (args: string[], env: Record<string, string>): number[] => {
    const r = evoscale(['run', 'exp1', '--plan', '--seeds', '0', ...args], env);
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { trials: { trainSize: number }[] };
    return [...new Set(plan.trials.map((t) => t.trainSize))];
  };
  assert.deepEqual(sizes([], { EVOSCALE_SIZES: '100,300' }), [100, 300]);
  assert.deepEqual(sizes(['--sizes', '1000'], { EVOSCALE_SIZES: '100,300' }), [1000]);
  // A variable set for every command (as a deployment does) is not refused where it does not apply.
  assert.equal(evoscale(['run', 'exp1', '--plan'], { EVOSCALE_FRACTIONS: '0.5' }).status, 0);
  for (const cmd of ['run', 'worker', 'coordinator', 'collect']) {
    assert.match(evoscale([cmd, '--help']).stdout, /\(env: EVOSCALE_[A-Z_]+\)/, `${cmd} --help names its variables`);
  }
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const r = evoscale(['--version']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});
