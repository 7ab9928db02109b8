// Drives the real thing for the browser tests: `evoscale collect` from dist/ as a child process, and Debian's
// Chromium through playwright-core. Without Chromium the tests skip locally and fail in CI (CI=true).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../helpers/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
const CLI = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/** Passed as a test's `skip`: a reason locally when Chromium is missing; false in CI, where the test must fail. */
export const skipWithoutChromium: string | false =
  existsSync(CHROMIUM) || process.env.CI === 'true'
    ? false
    : `Chromium not found at ${CHROMIUM}; install it with scripts/install-system-deps.sh (in CI this fails)`;

/** Throws with the fix when the build outputs the CLI and the page need are missing. */
function requireBuild(): void {
  for (const f of [CLI, join(repoRoot, 'dist', 'app', 'app.js')])
    if (!existsSync(f)) throw new Error(`${f} is missing; run 'npm run build' first`);
}

export interface CollectProcess {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal) once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `evoscale collect` from dist/ and resolves once it listens. */
export async function startCollect(dataDir: string, port = 0, extra: string[] = []): Promise<CollectProcess> {
  requireBuild();
  const proc = spawn(process.execPath, [CLI, 'collect', '--data-dir', dataDir, '--port', String(port), ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`evoscale collect did not start in 15 s:\n${out}`)), 15_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`evoscale collect exited (${code}) before serving:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile (IndexedDB and localStorage start empty). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}; run scripts/install-system-deps.sh before the browser tests`);
  const profile = mkdtempSync(join(tmpdir(), 'evoscale-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 720 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the app and signs in as `participant`; `beforeLoad` runs on the page before the app loads. */
export async function openApp(
  context: BrowserContext,
  url: string,
  participant: string,
  beforeLoad?: (page: Page) => Promise<void>,
): Promise<Page> {
  const page = await context.newPage();
  await beforeLoad?.(page);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  await page.fill('#participant', participant);
  await page.click('#join-button');
  await page.waitForSelector('#menu:not([hidden])');
  return page;
}

/** Picks a game from the menu and waits for its start screen. */
export async function chooseGame(page: Page, envId: string): Promise<void> {
  await page.click(`button[data-env="${envId}"]`);
  await page.waitForSelector('#play[data-state="ready"]');
}

/** The text of a status field (#stored-count, #pending-count, …). */
export async function statusText(page: Page, id: string): Promise<string> {
  return (await page.textContent(`#${id}`)) ?? '';
}

/** Waits until a status field shows `value`. */
export async function waitForStatus(page: Page, id: string, value: string, timeout = 15_000): Promise<void> {
  // Polled from Node: in-page polling would need eval (the app's CSP forbids it) and stalls under a fake clock.
  const deadline = Date.now() + timeout;
  let seen: string;
  while ((seen = await statusText(page, id)) !== value) {
    if (Date.now() > deadline) throw new Error(`#${id} shows '${seen}', not '${value}', after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The game's state on the page: idle, ready, playing or over. */
export async function gameState(page: Page): Promise<string> {
  return (await page.getAttribute('#play', 'data-state')) ?? '';
}

/**
 * Plays with real keystrokes until the episode is over: holds the keys of `pattern` in turn, `holdMs` each
 * (in real time), and returns the keys pressed.
 */
export async function playUntilOver(
  page: Page,
  pattern: readonly string[],
  holdMs: number,
  timeoutMs = 30_000,
): Promise<string[]> {
  const pressed: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; (await gameState(page)) !== 'over'; i++) {
    if (Date.now() > deadline) throw new Error(`the episode did not end within ${timeoutMs} ms`);
    const key = pattern[i % pattern.length];
    await page.keyboard.down(key);
    pressed.push(key);
    await page.waitForTimeout(holdMs);
    await page.keyboard.up(key);
  }
  return pressed;
}
