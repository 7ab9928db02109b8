/**
 * A results folder has one writer and keeps its results unless told otherwise, with real `evoscale run` processes:
 * a second run into a busy --out is refused, a killed run's lock is taken over, and finished results need --resume
 * or --overwrite.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../helpers/paths.js';
import { RESULTS_LOCK_FILE } from '../../src/experiments/results_dir.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-results-dir-'));
const started: ChildProcess[] = [];
after(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EVOSCALE_'))),
  EVOSCALE_CACHE: join(root, 'cache'),
});
/** A run that lasts far longer than any test: one GA trial with a million generations, inline. */
const longRun = (out: string, ...extra: string[]): string[] => [
  'dist/src/cli/main.js',
  'run',
  'exp1',
  '--out',
  out,
  '--sizes',
  '100',
  '--seeds',
  '0',
  '--methods',
  'ga_tournament',
  '--generations',
  '1000000',
  '--dataset-steps',
  '20000',
  '--threads',
  '0',
  ...extra,
];

function start(args: string[]): ChildProcess {
  const p = spawn(process.execPath, args, { cwd: repoRoot, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(p);
  return p;
}

/** Waits (polling, no deadline of its own: the test runner's timeout bounds it) until `out`'s lock names `pid`. */
async function lockHeldBy(out: string, pid: number | undefined, proc: ChildProcess): Promise<void> {
  const path = join(out, RESULTS_LOCK_FILE);
  for (;;) {
    if (existsSync(path) && readFileSync(path, 'utf8').startsWith(`${pid} `)) return;
    if (proc.exitCode !== null) throw new Error(`the run exited (${proc.exitCode}) before taking the lock`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runSync(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, args, { cwd: repoRoot, env: env(), encoding: 'utf8' });
}

async function killed(p: ChildProcess): Promise<void> {
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await gone;
}

test('a second run into a busy --out is refused, naming the running one', async () => {
  const out = join(root, 'busy');
  const first = start(longRun(out));
  await lockHeldBy(out, first.pid, first);
  const second = runSync(longRun(out, '--resume'));
  assert.equal(second.status, 1);
  assert.match(second.stderr, new RegExp(`in use by another evoscale run \\(pid ${first.pid} on ${hostname()}\\)`));
  await killed(first);
});

test("a killed run's stale lock is taken over", async () => {
  const out = join(root, 'stale');
  const first = start(longRun(out));
  await lockHeldBy(out, first.pid, first);
  await killed(first);
  assert.ok(existsSync(join(out, RESULTS_LOCK_FILE)), 'SIGKILL leaves the lock behind');
  const second = start(longRun(out, '--resume'));
  await lockHeldBy(out, second.pid, second);
  await killed(second);
});

test('results in --out need --resume or --overwrite; --overwrite deletes them; both together are refused', async () => {
  const out = join(root, 'existing');
  mkdirSync(join(out, 'exp1'), { recursive: true });
  writeFileSync(join(out, 'exp1', 'experiment.json'), '{}');
  const plain = runSync(longRun(out));
  assert.equal(plain.status, 1);
  assert.match(
    plain.stderr,
    /already holds results of exp1\. To continue that run: .*--resume; to delete them .*--overwrite/,
  );
  assert.ok(existsSync(join(out, 'exp1', 'experiment.json')), 'a refused run leaves the results alone');
  assert.ok(!existsSync(join(out, RESULTS_LOCK_FILE)), 'a refused run releases the lock');
  const both = runSync(longRun(out, '--resume', '--overwrite'));
  assert.equal(both.status, 1);
  assert.match(both.stderr, /give one of the two/);
  const over = start(longRun(out, '--overwrite'));
  await lockHeldBy(out, over.pid, over);
  // The lock comes first, the deletion just after it: wait for the deletion (or the new run's own file) while the
  // run is alive, rather than killing it between the two.
  const old = join(out, 'exp1', 'experiment.json');
  while (existsSync(old) && readFileSync(old, 'utf8') === '{}') {
    if (over.exitCode !== null) throw new Error(`the --overwrite run exited (${over.exitCode}) before deleting`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await killed(over);
  assert.ok(!existsSync(old) || readFileSync(old, 'utf8') !== '{}', '--overwrite removed the old results');
});

test('into an empty or new --out a run starts without --resume or --overwrite', async () => {
  const out = join(root, 'fresh');
  const p = start(longRun(out));
  await lockHeldBy(out, p.pid, p);
  await killed(p);
});
