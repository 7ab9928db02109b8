// Each of the four games in real Chromium: drawn with Gymnasium's colours by the envs' own renderers, played to its
// end (a fake page clock runs the frames fast, keys are real keystrokes), and accepted by the server's bit-exact
// replay, so the browser's env code agrees with Node's. Screenshots go to .scratch/collect-shots/ for people to
// look at.
import './helpers/portable_math_first.js'; // this process re-checks the LunarLander replay as the server does
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readEpisodeFile } from '../../src/data/human_store.js';
import { replayEpisode } from '../../src/shared/human/replay.js';
import { repoRoot } from '../helpers/paths.js';
import {
  chooseGame,
  gameState,
  launchBrowser,
  openApp,
  skipWithoutChromium,
  startCollect,
  waitForStatus,
  type Browser,
  type CollectProcess,
} from './helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-collect-games-'));
const shots = join(repoRoot, '.scratch', 'collect-shots');
let server: CollectProcess | undefined;
let browser: Browser | undefined;
let page: Page | undefined;

before(async () => {
  if (skipWithoutChromium) return;
  mkdirSync(shots, { recursive: true });
  server = await startCollect(join(dir, 'human'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Colours of Gymnasium's renderers (its source), present as exact pixels when the game is drawn right. */
const SIGNATURE: Record<string, [number, number, number][]> = {
  'CartPole-v1': [
    [255, 255, 255],
    [0, 0, 0],
    [202, 152, 101],
    [129, 132, 203],
  ],
  'Acrobot-v1': [
    [255, 255, 255],
    [0, 204, 204],
    [204, 204, 0],
  ],
  'MountainCar-v0': [
    [255, 255, 255],
    [0, 0, 0],
    [128, 128, 128],
    [204, 204, 0],
  ],
  'LunarLander-v3': [
    [0, 0, 0],
    [255, 255, 255],
    [128, 102, 230],
    [204, 204, 0],
  ],
};

/** Distinct colours of the canvas and whether each signature colour occurs. */
async function canvasColours(
  p: Page,
  want: [number, number, number][],
): Promise<{ distinct: number; missing: string[] }> {
  return p.evaluate((wanted) => {
    const c = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
      '#screen',
    ) as {
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
    };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    const missing = wanted.filter(([r, g, b]) => !seen.has((r << 16) | (g << 8) | b)).map((x) => `rgb(${x.join(',')})`);
    return { distinct: seen.size, missing };
  }, want);
}

/** Advances the page's fake clock until the episode is over (at most `maxSeconds` of game time). */
async function runToEnd(p: Page, maxSeconds: number): Promise<void> {
  for (let s = 0; s < maxSeconds && (await gameState(p)) !== 'over'; s++) await p.clock.runFor(1000);
  assert.equal(await gameState(p), 'over', `the episode ended within ${maxSeconds} s of game time`);
}

interface Script {
  start: string;
  /** Game time before `hold` is pressed (with no key held). */
  preMs?: number;
  /** Keys held before the screenshot, and for how long (ms of game time). */
  hold: string;
  holdMs: number;
  /** Key held afterwards until the end. */
  then?: string;
  maxSeconds: number;
  fps: number;
}

const SCRIPTS: Record<string, Script> = {
  'CartPole-v1': { start: 'ArrowRight', hold: 'ArrowRight', holdMs: 60, then: 'ArrowLeft', maxSeconds: 15, fps: 50 },
  'Acrobot-v1': { start: 'Space', hold: 'ArrowRight', holdMs: 1500, then: 'ArrowLeft', maxSeconds: 40, fps: 15 },
  'MountainCar-v0': { start: 'Space', hold: 'ArrowLeft', holdMs: 1500, then: 'ArrowRight', maxSeconds: 10, fps: 30 },
  'LunarLander-v3': { start: 'Space', preMs: 500, hold: 'ArrowUp', holdMs: 240, maxSeconds: 25, fps: 50 },
};

let played = 0;
for (const [envId, script] of Object.entries(SCRIPTS)) {
  test(
    `${envId} is drawn in Gymnasium's colours, plays to its end and replays bit-exactly on the server`,
    { skip: skipWithoutChromium, timeout: 40_000 },
    async () => {
      if (page === undefined) {
        // The fake clock goes in before the app loads, so its frames and step times follow it.
        page = await openApp((browser as Browser).context, (server as CollectProcess).url, 'p-delta', (p) =>
          p.clock.install(),
        );
        // From here game time moves only by runFor, whatever the machine's speed.
        await page.clock.pauseAt(new Date(Date.now() + 1000));
      }
      const p = page;
      if (await p.isVisible('#play')) await p.click('#back'); // an earlier game's test failed half-way
      await chooseGame(p, envId);
      const name = envId.split('-')[0].toLowerCase();
      await p.locator('#play').screenshot({ path: join(shots, `${name}-start.png`) });
      const atStart = await canvasColours(p, SIGNATURE[envId]);
      assert.deepEqual(atStart.missing, [], `${envId} start frame lacks Gymnasium's colours`);

      if (script.start !== script.hold) await p.keyboard.press(script.start);
      if (script.preMs) await p.clock.runFor(script.preMs);
      await p.keyboard.down(script.hold);
      await p.clock.runFor(script.holdMs);
      await p.locator('#play').screenshot({ path: join(shots, `${name}-play.png`) });
      assert.equal(await gameState(p), 'playing');
      const midGame = await canvasColours(p, SIGNATURE[envId]);
      assert.deepEqual(midGame.missing, [], `${envId} mid-game frame lacks Gymnasium's colours`);
      await p.keyboard.up(script.hold);
      if (script.then) await p.keyboard.down(script.then);
      await runToEnd(p, script.maxSeconds);
      if (script.then) await p.keyboard.up(script.then);
      await p.locator('#play').screenshot({ path: join(shots, `${name}-over.png`) });

      played++;
      try {
        await waitForStatus(p, 'stored-count', String(played));
      } catch (e) {
        const refused = await p.textContent('#rejected-count');
        throw new Error(
          `${(e as Error).message}; refused: ${refused}; server said:\n${(server as CollectProcess).output()}`,
          { cause: e },
        );
      }
      assert.equal(await p.textContent('#pending-count'), '0');
      const eps = readEpisodeFile(join(dir, 'human', 'p-delta.jsonl')).filter((e) => e.envId === envId);
      assert.equal(eps.length, 1);
      const ep = eps[0];
      assert.deepEqual(replayEpisode(ep), { ok: true });
      assert.ok(ep.actions.length > 1);
      // Under the fake clock frames come every 16 ms, so the env's own rate is what spaces the steps.
      const mean = ep.timestamps[ep.timestamps.length - 1] / (ep.timestamps.length - 1);
      assert.ok(mean >= 1000 / script.fps - 0.01 && mean < 1000 / script.fps + 17, `${envId}: ${mean} ms per step`);
      await p.click('#back');
    },
  );
}
