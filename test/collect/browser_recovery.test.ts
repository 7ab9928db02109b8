// Nothing is lost: an episode finished while the server is down reaches it after a restart, whether the page stays
// open (periodic retry) or the tab was closed meanwhile (retry on load).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEpisodeFile } from '../../src/data/human_store.js';
import { replayEpisode } from '../../src/shared/human/replay.js';
import {
  chooseGame,
  gameState,
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

const dir = mkdtempSync(join(tmpdir(), 'evoscale-collect-recovery-'));
const servers: CollectProcess[] = [];
let browser: Browser | undefined;

async function serve(data: string, port = 0): Promise<CollectProcess> {
  const s = await startCollect(data, port);
  servers.push(s);
  return s;
}

before(async () => {
  if (skipWithoutChromium) return;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

test(
  'a server killed mid-episode gets the episode after it restarts, without the episode being played again',
  { skip: skipWithoutChromium, timeout: 50_000 },
  async () => {
    const data = join(dir, 'killed');
    const first = await serve(data);
    const page = await openApp((browser as Browser).context, first.url, 'p-bravo');
    await chooseGame(page, 'MountainCar-v0'); // 200 steps at 30 fps: time to kill the server mid-episode
    await page.keyboard.press('Space');
    await page.keyboard.down('ArrowLeft');
    await page.waitForTimeout(300);
    assert.equal(await gameState(page), 'playing');
    assert.equal(await first.stop('SIGKILL'), null, 'killed, not exited');
    await page.keyboard.up('ArrowLeft');
    await playUntilOver(page, ['ArrowRight', 'ArrowLeft'], 700);
    await waitForStatus(page, 'pending-count', '1');
    assert.match(await statusText(page, 'connection'), /unreachable.*kept in this browser/);
    assert.equal(existsSync(join(data, 'p-bravo.jsonl')), false);

    const second = await serve(data, first.port);
    await waitForStatus(page, 'pending-count', '0', 20_000); // the page retries every 5 s
    await waitForStatus(page, 'stored-count', '1');
    const eps = readEpisodeFile(join(data, 'p-bravo.jsonl'));
    assert.equal(eps.length, 1);
    assert.equal(eps[0].envId, 'MountainCar-v0');
    assert.deepEqual(replayEpisode(eps[0]), { ok: true });
    assert.ok(eps[0].actions.includes(0) && eps[0].actions.includes(2), 'both arrows were recorded');
    assert.match(second.output(), /stored p-bravo MountainCar-v0/);
    await page.close();
  },
);

test(
  'an episode finished while the server is down and the tab then closed is sent when the page is next opened',
  { skip: skipWithoutChromium, timeout: 40_000 },
  async () => {
    const data = join(dir, 'closed');
    const first = await serve(data);
    const { context } = browser as Browser;
    const page = await openApp(context, first.url, 'p-charlie');
    await chooseGame(page, 'CartPole-v1');
    assert.equal(await first.stop('SIGTERM'), 143, 'a graceful stop exits 143 (128 + SIGTERM)');
    await playUntilOver(page, ['ArrowLeft', 'ArrowRight'], 150);
    await waitForStatus(page, 'pending-count', '1');
    await page.close();

    const second = await serve(data, first.port);
    const later = await context.newPage();
    await later.goto(second.url);
    await later.waitForSelector('body[data-ready="true"]');
    await waitForStatus(later, 'pending-count', '0');
    const eps = readEpisodeFile(join(data, 'p-charlie.jsonl'));
    assert.equal(eps.length, 1);
    assert.equal(eps[0].participant, 'p-charlie');
    assert.deepEqual(replayEpisode(eps[0]), { ok: true });
    await later.close();
  },
);
