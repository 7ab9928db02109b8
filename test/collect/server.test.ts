// The collection server over real HTTP, without a browser: what it stores, what it refuses and how it says so.
import './helpers/portable_math_first.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectServer, type CollectServer } from '../../src/collect/server.js';
import { readEpisodeFile } from '../../src/data/human_store.js';
import { LOCK_FILE } from '../../src/collect/lock.js';
import { episodeReturn, type HumanEpisode } from '../../src/shared/human/episode.js';
import { replayEpisode } from '../../src/shared/human/replay.js';
import { playEpisode } from './helpers/episodes.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-collect-server-'));
const appDir = join(root, 'app');
mkdirSync(appDir);
writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(appDir, 'app.js'), 'export {};');
writeFileSync(join(appDir, 'style.css'), 'body{}');

const servers: CollectServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});

let dirs = 0;
async function serve(
  dataDir = join(root, `data${++dirs}`),
  maxBodyBytes?: number,
): Promise<CollectServer & { dir: string }> {
  const s = await startCollectServer({ dataDir, port: 0, appDir, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  servers.push(s);
  return Object.assign(s, { dir: dataDir });
}

interface Reply {
  status: number;
  body: { error?: string; code?: string; status?: string; summary?: { episodes: number; lastReturn: number } };
  headers: Record<string, string | string[] | undefined>;
}

async function post(s: CollectServer, body: string | object, type = 'application/json'): Promise<Reply> {
  const res = await fetch(new URL('/api/episodes', s.url), {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Reply['body'], headers: Object.fromEntries(res.headers) };
}

async function get(s: CollectServer, path: string): Promise<Reply & { text: string }> {
  const res = await fetch(new URL(path, s.url));
  const text = await res.text();
  let body: Reply['body'] = {};
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    // a page, not JSON
  }
  return { status: res.status, body, headers: Object.fromEntries(res.headers), text };
}

function stored(dir: string, participant = 'p1'): HumanEpisode[] {
  const f = join(dir, `${participant}.jsonl`);
  return existsSync(f) ? readEpisodeFile(f) : [];
}

function forge(ep: HumanEpisode, change: (e: { -readonly [K in keyof HumanEpisode]: unknown }) => void): object {
  const copy = JSON.parse(JSON.stringify(ep)) as { -readonly [K in keyof HumanEpisode]: unknown };
  change(copy);
  return copy;
}

test('a genuine episode is acknowledged (201) only once it is a line of <participant>.jsonl that replays', async () => {
  const s = await serve();
  const ep = playEpisode('Acrobot-v1', 5);
  const r = await post(s, ep);
  assert.equal(r.status, 201);
  assert.equal(r.body.status, 'stored');
  const onDisk = stored(s.dir);
  assert.equal(onDisk.length, 1);
  assert.deepEqual(onDisk[0], ep);
  assert.deepEqual(replayEpisode(onDisk[0]), { ok: true });
  assert.equal(r.body.summary?.episodes, 1);
  assert.equal(r.body.summary?.lastReturn, episodeReturn(ep));
});

test('sending the same episode again is answered 200 "duplicate" and stores nothing more', async () => {
  const s = await serve();
  const ep = playEpisode('CartPole-v1', 8);
  assert.equal((await post(s, ep)).status, 201);
  const again = await post(s, ep);
  assert.equal(again.status, 200);
  assert.equal(again.body.status, 'duplicate');
  // Same episode with its keys in another order: still the same episode.
  const reordered = Object.fromEntries(Object.entries(ep).reverse());
  assert.equal((await post(s, reordered)).status, 200);
  assert.equal(stored(s.dir).length, 1);
});

test('the same episode sent twice at once is stored once', async () => {
  const s = await serve();
  const ep = playEpisode('LunarLander-v3', 6);
  const replies = await Promise.all([post(s, ep), post(s, ep), post(s, ep)]);
  assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 201]);
  assert.equal(stored(s.dir).length, 1);
});

test('a resubmission after the server restarts is still recognised as a duplicate', async () => {
  const first = await serve();
  const ep = playEpisode('MountainCar-v0', 4);
  assert.equal((await post(first, ep)).status, 201);
  await first.close();
  const second = await serve(first.dir);
  assert.equal(second.stored(), 1);
  const r = await post(second, ep);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'duplicate');
  assert.equal(stored(first.dir).length, 1);
});

test('an episode id reused for a different episode is refused with 409', async () => {
  const s = await serve();
  assert.equal((await post(s, playEpisode('CartPole-v1', 1, { id: 'same' }))).status, 201);
  const r = await post(s, playEpisode('CartPole-v1', 2, { id: 'same' }));
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'EPISODE_ID_CONFLICT');
  assert.match(r.body.error ?? '', /already stored with different content/);
  assert.equal(stored(s.dir).length, 1);
});

test('a body that is not JSON is refused with 400 and a JSON error saying so', async () => {
  const s = await serve();
  const r = await post(s, '{"format": "evoscale-human-episode", ');
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'INVALID_JSON');
  assert.match(r.body.error ?? '', /not valid JSON/);
  assert.match(String(r.headers['content-type']), /application\/json/);
});

test('a record with a missing or mistyped field is refused with 422 naming the field', async () => {
  const s = await serve();
  const ep = playEpisode('CartPole-v1', 3);
  const r = await post(
    s,
    forge(ep, (e) => delete e.seed),
  );
  assert.equal(r.status, 422);
  assert.equal(r.body.code, 'HUMAN_EPISODE_INVALID');
  assert.match(r.body.error ?? '', /'seed'/);
  const bad = await post(
    s,
    forge(ep, (e) => (e.participant = '../../etc/passwd')),
  );
  assert.equal(bad.status, 422);
  assert.match(bad.body.error ?? '', /'participant'/);
  assert.deepEqual(
    readdirSync(s.dir).filter((f) => f.endsWith('.jsonl')),
    [],
  );
});

test('forged rewards are refused with 422 and a message naming the step', async () => {
  const s = await serve();
  const ep = playEpisode('LunarLander-v3', 9);
  const r = await post(
    s,
    forge(ep, (e) => ((e.rewards as number[])[7] += 50)),
  );
  assert.equal(r.status, 422);
  assert.equal(r.body.code, 'REPLAY_MISMATCH');
  assert.match(r.body.error ?? '', /does not replay: rewards\[7\]/);
  assert.equal(stored(s.dir).length, 0);
});

test('forged observations, even in the last float32 bit, are refused with 422', async () => {
  const s = await serve();
  const ep = playEpisode('CartPole-v1', 11);
  const r = await post(
    s,
    forge(ep, (e) => {
      const o = (e.observations as number[][])[5];
      const f = new Float32Array([o[2]]);
      new Uint32Array(f.buffer)[0] += 1; // the next float32
      o[2] = f[0];
    }),
  );
  assert.equal(r.status, 422);
  assert.match(r.body.error ?? '', /observations\[5\]\[2\]/);
});

test('changed actions or seed do not replay and are refused', async () => {
  const s = await serve();
  const ep = playEpisode('MountainCar-v0', 12);
  const actions = await post(
    s,
    forge(ep, (e) => ((e.actions as number[])[0] = ((e.actions as number[])[0] + 1) % 3)),
  );
  assert.equal(actions.status, 422);
  const seed = await post(
    s,
    forge(ep, (e) => (e.seed = 13)),
  );
  assert.equal(seed.status, 422);
  assert.match(seed.body.error ?? '', /seed 13/);
});

test('an episode cut off before its end is refused: only whole episodes are stored', async () => {
  const s = await serve();
  const ep = playEpisode('MountainCar-v0', 2);
  const cut = forge(ep, (e) => {
    for (const k of ['actions', 'timestamps', 'rewards'] as const) (e[k] as unknown[]).splice(50);
    (e.observations as unknown[]).splice(51);
  });
  const r = await post(s, cut);
  assert.equal(r.status, 422);
  assert.match(r.body.error ?? '', /not over/);
});

test('an episode marked synthetic is refused: the server collects human play only', async () => {
  const s = await serve();
  const r = await post(
    s,
    forge(playEpisode('CartPole-v1', 4), (e) => (e.synthetic = true)),
  );
  assert.equal(r.status, 422);
  assert.equal(r.body.code, 'SYNTHETIC_EPISODE');
});

test('a body over the size limit is refused with 413, whether announced or streamed', async () => {
  const s = await serve(undefined, 64 * 1024);
  const big = JSON.stringify({ padding: 'x'.repeat(200 * 1024) });
  const announced = await post(s, big);
  assert.equal(announced.status, 413);
  assert.equal(announced.body.code, 'BODY_TOO_LARGE');
  // Chunked (no Content-Length): the server stops reading once the limit is passed.
  const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(new URL('/api/episodes', s.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (let i = 0; i < 8; i++) req.write('x'.repeat(16 * 1024));
    req.end();
  });
  assert.equal(streamed.status, 413);
  assert.match(streamed.body, /exceeds 65536 bytes/);
  // The server is still fine.
  assert.equal((await post(s, playEpisode('CartPole-v1', 1))).status, 201);
});

test('a body sent as anything but application/json is refused with 415', async () => {
  const s = await serve();
  const r = await post(s, JSON.stringify(playEpisode('CartPole-v1', 1)), 'text/plain');
  assert.equal(r.status, 415);
  assert.equal(stored(s.dir).length, 0);
});

test("a participant's summary counts their stored episodes and gives the latest return", async () => {
  const s = await serve();
  const a = playEpisode('CartPole-v1', 20, { participant: 'ann' });
  const b = playEpisode('MountainCar-v0', 21, { participant: 'ann' });
  await post(s, a);
  await post(s, b);
  await post(s, playEpisode('CartPole-v1', 22, { participant: 'bob' }));
  const r = await get(s, '/api/participants/ann');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    participant: 'ann',
    episodes: 2,
    lastEnvId: 'MountainCar-v0',
    lastReturn: episodeReturn(b),
    envs: {
      'CartPole-v1': { episodes: 1, lastReturn: episodeReturn(a), lastStartedAt: a.startedAt },
      'MountainCar-v0': { episodes: 1, lastReturn: episodeReturn(b), lastStartedAt: b.startedAt },
    },
  });
  const nobody = (await get(s, '/api/participants/nobody')).body as { episodes?: number };
  assert.equal(nobody.episodes, 0);
  assert.equal((await get(s, '/api/participants/bad%2Fid')).status, 400);
});

test('a torn last line left by a crash is cut aside at startup, and later episodes stay readable', async () => {
  const dir = join(root, 'torn');
  mkdirSync(dir);
  const first = playEpisode('CartPole-v1', 30);
  const file = join(dir, 'p1.jsonl');
  writeFileSync(file, JSON.stringify(first) + '\n');
  appendFileSync(file, JSON.stringify(playEpisode('CartPole-v1', 31)).slice(0, 100)); // crash mid-append
  const s = await serve(dir);
  const next = playEpisode('CartPole-v1', 32);
  assert.equal((await post(s, next)).status, 201);
  assert.deepEqual(
    stored(dir).map((e) => e.id),
    [first.id, next.id],
  );
  const aside = readdirSync(dir).filter((f) => f.startsWith('p1.jsonl.torn-'));
  assert.equal(aside.length, 1);
  assert.equal(readFileSync(join(dir, aside[0]), 'utf8').length, 100);
});

test('two servers cannot share a data folder, but a lock left by a dead process is taken over', async () => {
  const s = await serve();
  await assert.rejects(
    startCollectServer({ dataDir: s.dir, port: 0, appDir }).then((extra) => servers.push(extra)),
    /already served by another/,
  );
  await s.close();
  assert.equal(existsSync(join(s.dir, LOCK_FILE)), false, 'closing releases the folder');
  writeFileSync(join(s.dir, LOCK_FILE), '2147483646\n'); // no such process
  const again = await serve(s.dir);
  assert.equal((await get(again, '/api/health')).status, 200);
});

test('the page is served with a content security policy; unknown paths and wrong methods get JSON 404/405', async () => {
  const s = await serve();
  const page = await get(s, '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal((await get(s, '/app.js')).status, 200);
  const missing = await get(s, '/../package.json');
  assert.equal(missing.status, 404);
  const wrong = await get(s, '/api/episodes');
  assert.equal(wrong.status, 405);
  assert.match(wrong.body.error ?? '', /accepts POST/);
});

test('without the built app the server refuses to start and says how to build it', async () => {
  await assert.rejects(
    startCollectServer({ dataDir: join(root, 'noapp'), port: 0, appDir: join(root, 'nothing') }),
    /not built .*npm run build/,
  );
});
