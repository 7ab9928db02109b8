/**
 * Issue #16: a `run` whose inputs do not load fails with a message naming the file and line, and leaves no
 * experiment.json in --out, so the same command can simply be rerun once the input is fixed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../helpers/paths.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-run-bad-inputs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const env = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EVOSCALE_'))),
  EVOSCALE_CACHE: join(root, 'cache'),
});

function run(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'run', ...args], {
    cwd: repoRoot,
    env: env(),
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

const exp2Args = (dataset: string, out: string): string[] => [
  'exp2',
  '--dataset',
  dataset,
  '--env',
  'CartPole-v1',
  '--fractions',
  '0.5',
  '--methods',
  'sgd',
  '--seeds',
  '0',
  '--sgd-steps',
  '20',
  '--out',
  out,
  '--threads',
  '1',
];

test('exp2 on a dataset file with a bad row fails naming file and line, and leaves no experiment.json', () => {
  const data = join(root, 'bad.jsonl');
  writeFileSync(
    data,
    '{"obs": [0.1, 0.2, 0.3, 0.4], "actions": 1, "rewards": 1, "episode_starts": true}\n{"obs": [1]}\n',
  );
  const out = join(root, 'out-bad');
  const r = run(...exp2Args(data, out));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, new RegExp(`${data.replace(/[/.]/g, '\\$&')} line 2`));
  assert.equal(existsSync(join(out, 'exp2', 'experiment.json')), false, 'experiment.json left behind');
  assert.equal(existsSync(join(out, 'exp2')), false);
  // Fixed, the same command (no --resume, no --overwrite) runs.
  const rows = Array.from(
    { length: 60 },
    (_, i) =>
      `{"obs": [0.1, 0.2, 0.3, ${i / 100}], "actions": ${i % 2}, "rewards": 1, "episode_starts": ${i % 20 === 0}}`,
  );
  writeFileSync(data, rows.join('\n') + '\n');
  const again = run(...exp2Args(data, out));
  assert.equal(again.status, 0, again.stderr);
  assert.ok(existsSync(join(out, 'exp2', 'experiment.json')));
  assert.ok(readdirSync(join(out, 'exp2', 'trials')).some((t) => t.startsWith('bad_jsonl') || t.includes('bad_jsonl')));
});

test('exp2 on a JSONL file that is one 2 GiB line fails quickly naming the file, with nothing left in --out', () => {
  const data = join(root, 'huge.jsonl');
  writeFileSync(data, '{"obs": [');
  // Sparse: costs no disk, but a reader that buffers the line would need gigabytes.
  spawnSync('truncate', ['-s', '2G', data]);
  const out = join(root, 'out-huge');
  const r = run(...exp2Args(data, out));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /huge\.jsonl line 1: longer than \d+ bytes/);
  assert.equal(existsSync(join(out, 'exp2')), false);
});
