// A participant plays CartPole in real Chromium with keystrokes; the episode lands on disk, genuine and complete.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEpisodeFile } from '../../src/data/human_store.js';
import { episodeReturn } from '../../src/shared/human/episode.js';
import { replayEpisode } from '../../src/shared/human/replay.js';
import {
  chooseGame,
  launchBrowser,
  openApp,
  playUntilOver,
  skipWithoutChromium,
  startCollect,
  statusText,
  waitForStatus,
  type Browser,
  type CollectProcess,
} from './helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-collect-play-'));
let server: CollectProcess | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skipWithoutChromium) return;
  server = await startCollect(join(dir, 'human'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'an episode played with the arrow keys is stored on disk: right participant and game, replays bit-exactly',
  { skip: skipWithoutChromium, timeout: 45_000 },
  async () => {
    const { context } = browser as Browser;
    const { url } = server as CollectProcess;
    const page = await openApp(context, url, 'p-alpha');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await chooseGame(page, 'CartPole-v1');
    const t0 = Date.now();
    const pressed = await playUntilOver(page, ['ArrowRight', 'ArrowLeft'], 120);
    await waitForStatus(page, 'pending-count', '0');
    await waitForStatus(page, 'stored-count', '1');
    const t1 = Date.now();

    const [ep, ...more] = readEpisodeFile(join(dir, 'human', 'p-alpha.jsonl'));
    assert.equal(more.length, 0);
    assert.equal(ep.participant, 'p-alpha');
    assert.equal(ep.envId, 'CartPole-v1');
    assert.equal(ep.synthetic, false);
    assert.deepEqual(replayEpisode(ep), { ok: true });
    assert.ok(ep.terminated || ep.truncated);
    assert.equal(ep.actions[0], 1, 'the first action is the → that started the episode');
    // A third press means the whole first ← hold happened while the episode ran.
    if (pressed.length > 2) assert.ok(ep.actions.includes(0), 'the ← presses reached the env');
    const started = Date.parse(ep.startedAt);
    assert.ok(started >= t0 - 1000 && started <= t1, `startedAt ${ep.startedAt} is the wall-clock start`);
    assert.match(ep.startedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Native frame rate: steps are 20 ms apart on average (never faster; the step schedule only slips later).
    const n = ep.timestamps.length;
    assert.equal(ep.timestamps[0], 0);
    if (n > 2) {
      const mean = ep.timestamps[n - 1] / (n - 1);
      assert.ok(mean >= 19.9 && mean < 40, `mean step interval ${mean} ms for 50 fps`);
    }
    assert.equal((ep.meta as { renderFps?: number }).renderFps, 50);
    assert.equal(await statusText(page, 'last-return'), String(episodeReturn(ep)));
    assert.deepEqual(errors, []);
    await page.close();
  },
);
