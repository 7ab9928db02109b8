/**
 * The results-folder rules beyond `run exp1|exp2` (test/cli/results_dir.test.ts), and plans that cannot fit their
 * dataset, with real `evoscale` processes: `sweep --out` and `coordinator --out` take the same lock as `run`; a
 * `--plan` (and a run) refuses sizes and fractions the dataset's rows cannot hold; exp3's lists refuse empty items
 * as exp1/exp2's do.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../helpers/paths.js';
import { RESULTS_LOCK_FILE } from '../../src/experiments/results_dir.js';
import { checkPlanFitsData } from '../../src/experiments/plan_check.js';
import { planExp2, EXP2_DEFAULTS } from '../../src/experiments/exp2.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-folder-safety-'));
after(() => rmSync(root, { recursive: true, force: true }));

function evoscale(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EVOSCALE_')));
  return spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...clean, EVOSCALE_CACHE: join(root, 'cache') },
  });
}

function refused(args: string[], pattern: RegExp): void {
  const r = evoscale(args);
  assert.equal(r.status, 1, `${args.join(' ')} should be refused; stderr: ${r.stderr.slice(0, 500)}`);
  assert.match(r.stderr, pattern);
}

/** A folder whose lock is held by a live process on this host: this test process. */
function busyFolder(name: string): string {
  const out = join(root, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, RESULTS_LOCK_FILE), `${process.pid} ${hostname()}\n`);
  return out;
}

const busy = new RegExp(`is in use by another evoscale run \\(pid ${process.pid} on ${hostname()}\\)`);

test('sweep --out into a folder another run holds is refused, naming it', () => {
  const file = join(root, 'sweep.json');
  writeFileSync(
    file,
    JSON.stringify({ grid: { experiment: ['exp2'], method: ['sgd'], dataset: ['cartpole'], fraction: [0.3] } }),
  );
  refused(['sweep', file, '--out', busyFolder('sweep-busy'), '--threads', '1'], busy);
});

test('coordinator --out into a folder another run holds is refused, naming it', () => {
  const spec = join(repoRoot, 'deploy', 'runs', 'cartpole-ga.json');
  refused(['coordinator', '--run', spec, '--out', busyFolder('coordinator-busy'), '--threads', '1'], busy);
});

test('--plan refuses an exp1 size larger than the dataset, saying which sizes fit', () => {
  refused(
    ['run', 'exp1', '--sizes', '100,30000', '--dataset-steps', '20000', '--plan'],
    /--sizes: 30000 training rows do not fit cartpole \(--dataset-steps 20000\): it has 20000 rows, 5000 of them held out for testing, so sizes up to 15000 fit/,
  );
  refused(
    ['run', 'exp1', '--sizes', '100', '--dataset-steps', '3000', '--plan'],
    /has 3000 rows, not enough for experiment 1's 5000 test rows/,
  );
  const ok = evoscale(['run', 'exp1', '--sizes', '100,15000', '--dataset-steps', '20000', '--plan']);
  assert.equal(ok.status, 0, ok.stderr);
});

test('--plan refuses an exp2 fraction that is no row of the dataset', () => {
  refused(
    ['run', 'exp2', '--fractions', '0.3,0.00001', '--dataset-steps', '20000', '--plan'],
    /--fractions: 0\.00001 of the 20000 rows of cartpole \(--dataset-steps 20000\) is no row at all; use a fraction of at least 0\.000025/,
  );
  const ok = evoscale(['run', 'exp2', '--fractions', '0.3,0.0001', '--dataset-steps', '20000', '--plan']);
  assert.equal(ok.status, 0, ok.stderr);
});

test('a dataset file is measured by its real row count', async () => {
  const cfg = { ...EXP2_DEFAULTS, datasets: ['my.jsonl'], envIds: { 'my.jsonl': 'CartPole-v1' }, fractions: [0.05] };
  const specs = planExp2(cfg);
  await checkPlanFitsData(specs, async () => 10); // 1 test row, 1 training row (round(0.5))
  // 8 rows: round(0.8) = 1 test row, but round(0.4) = 0 training rows.
  await assert.rejects(
    checkPlanFitsData(specs, async () => 8),
    /--fractions: 0\.05 of the 8 rows of my\.jsonl is no row/,
  );
  await assert.rejects(
    checkPlanFitsData(specs, async () => 4),
    /a test fraction of 0\.1 leaves 0 test rows/,
  );
});

test('exp3 lists refuse an empty item like exp1 and exp2', () => {
  refused(
    ['run', 'exp3', '--envs', 'CartPole-v1,,Acrobot-v1', '--plan'],
    /--envs 'CartPole-v1,,Acrobot-v1': item 2 is empty/,
  );
  refused(['run', 'exp3', '--participants', 'p1,', '--plan'], /--participants 'p1,': item 2 is empty/);
});
