// `evoscale collect` as its operator runs it (the CLI from dist/): it says where it serves, stops cleanly on
// Ctrl-C or SIGTERM, refuses a second server on the same folder, and says how to build a missing app.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { startCollect, type CollectProcess } from './helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-collect-cli-'));
const running: CollectProcess[] = [];
after(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

async function start(data: string): Promise<CollectProcess> {
  const s = await startCollect(data);
  running.push(s);
  return s;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} stops the server cleanly: exit 128 + signal number, folder released, port closed`, async () => {
    const data = join(dir, signal);
    const s = await start(data);
    assert.match(s.output(), /serving http:\/\/127\.0\.0\.1:\d+\/ \(episodes in .*, 0 stored so far\)/);
    assert.equal((await fetch(new URL('/api/health', s.url))).status, 200);
    // 130 for SIGINT, 143 for SIGTERM: every evoscale command reports a stop by signal the way shells do.
    assert.equal(await s.stop(signal), signal === 'SIGINT' ? 130 : 143);
    assert.match(s.output(), /stopped \(0 episodes stored\)/);
    assert.equal(existsSync(join(data, '.collect.lock')), false);
    await assert.rejects(fetch(new URL('/api/health', s.url)));
  });
}

test('a second server on the same data folder is refused, naming the running one', async () => {
  const data = join(dir, 'shared');
  const first = await start(data);
  await assert.rejects(
    start(data),
    new RegExp(`already served by another 'evoscale collect' \\(pid ${first.proc.pid} on `),
  );
});

test('without the built app, collect exits 1 and says to run npm run build', () => {
  const res = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
      'collect',
      '--data-dir',
      join(dir, 'x'),
      '--port',
      '0',
      '--app-dir',
      join(dir, 'none'),
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(res.status, 1);
  assert.match(res.stderr, /browser app is not built.*run 'npm run build'/);
});

test('evoscale --help lists collect', () => {
  const res = spawnSync(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'collect', '--help'], {
    encoding: 'utf8',
  });
  assert.equal(res.status, 0);
  assert.match(res.stdout, /--data-dir/);
  assert.match(res.stdout, /--port/);
});
