// Issue #16: what a hostile or careless client can cost the collection server, tried on a live server over HTTP.
import './helpers/portable_math_first.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectServer, type CollectServer, type CollectServerOptions } from '../../src/collect/server.js';
import { MAX_META_BYTES } from '../../src/collect/submission.js';
import type { HumanEpisode } from '../../src/shared/human/episode.js';
import { playEpisode } from './helpers/episodes.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-collect-limits-'));
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
async function serve(opts: Partial<CollectServerOptions> = {}): Promise<CollectServer & { dir: string }> {
  const dataDir = join(root, `data${++dirs}`);
  const s = await startCollectServer({ dataDir, port: 0, appDir, ...opts });
  servers.push(s);
  return Object.assign(s, { dir: dataDir });
}

interface Reply {
  status: number;
  body: { error?: string; code?: string };
  headers: Record<string, string>;
}

async function post(s: CollectServer, body: string | object): Promise<Reply> {
  const res = await fetch(new URL('/api/episodes', s.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Reply['body'], headers: Object.fromEntries(res.headers) };
}

/** Sends a raw request line, so the URL reaches the server exactly as written (fetch would normalise it). */
function rawGet(s: CollectServer, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    sock.on('data', (c: Buffer) => (text += c.toString()));
    sock.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    sock.on('error', reject);
  });
}

function withParticipant(ep: HumanEpisode, participant: string, id = `${ep.id}-${participant}`): object {
  return { ...ep, participant, id };
}

test('participant ids that are dots, start with a dot or hold a dot are refused and nothing is stored', async () => {
  const s = await serve();
  const ep = playEpisode('CartPole-v1', 3);
  for (const p of ['.', '..', '.collect', '.hidden', 'a.b', '-x', '_x', 'x'.repeat(65)]) {
    const r = await post(s, withParticipant(ep, p, `bad-${p.length}-${p.charCodeAt(1) || 0}`));
    assert.equal(r.status, 422, `participant ${JSON.stringify(p)}`);
    assert.equal(r.body.code, 'INVALID_PARTICIPANT');
  }
  assert.deepEqual(
    readdirSync(s.dir).filter((f) => f.endsWith('.jsonl')),
    [],
  );
  assert.equal((await post(s, withParticipant(ep, 'P-07_b'))).status, 201);
  assert.ok(existsSync(join(s.dir, 'P-07_b.jsonl')));
});

test('a dot-only or malformed participant id in the summary URL gets 400, never 500', async () => {
  const s = await serve();
  // %2E%2E is resolved as '..' by URL parsing, so it names no route at all.
  const dots = await rawGet(s, '/api/participants/%2E%2E');
  assert.ok(dots.status >= 400 && dots.status < 500, `got ${dots.status}`);
  for (const target of ['/api/participants/.collect', '/api/participants/%2Ecollect', '/api/participants/%E0%A4%A']) {
    const r = await rawGet(s, target);
    assert.equal(r.status, 400, target);
    assert.match(r.body, /"code":"(INVALID_PARTICIPANT|BAD_URL)"/);
  }
  assert.equal((await rawGet(s, '/api/participants/%')).status, 400);
  assert.equal((await rawGet(s, '/api/participants/p1')).status, 200);
});

test('2 MB of nested arrays is refused with 400 before parsing, and the server keeps serving', async () => {
  const s = await serve();
  const depth = 1024 * 1024;
  const bomb = '['.repeat(depth) + ']'.repeat(depth);
  const r = await post(s, bomb);
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'JSON_TOO_DEEP');
  // Nested inside a field of an otherwise plausible record: the same answer.
  const inField = `{"format":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const r2 = await post(s, inField);
  assert.equal(r2.status, 400);
  assert.equal(r2.body.code, 'JSON_TOO_DEEP');
  // Brackets inside strings are text, not nesting.
  const ep = playEpisode('CartPole-v1', 4);
  assert.equal((await post(s, { ...ep, meta: { note: '[[[[[[[[[[[[[[[[[[[[' } })).status, 201);
});

test('unknown fields are refused with 422 naming them; meta is kept but bounded', async () => {
  const s = await serve();
  const ep = playEpisode('Acrobot-v1', 2);
  const extra = await post(s, { ...ep, payload: 'x'.repeat(1000) });
  assert.equal(extra.status, 422);
  assert.equal(extra.body.code, 'UNKNOWN_FIELD');
  assert.match(extra.body.error ?? '', /'payload'/);
  const big = await post(s, { ...ep, meta: { blob: 'x'.repeat(MAX_META_BYTES) } });
  assert.equal(big.status, 422);
  assert.equal(big.body.code, 'META_TOO_LARGE');
  assert.equal((await post(s, { ...ep, meta: { app: 'test', fps: 15 } })).status, 201);
});

test('a participant past their storage quota gets 403; others still store', async () => {
  const first = playEpisode('CartPole-v1', 5);
  const bytes = Buffer.byteLength(JSON.stringify(first)) + 1;
  const s = await serve({ maxParticipantBytes: bytes + 10 });
  assert.equal((await post(s, first)).status, 201);
  const second = await post(s, playEpisode('CartPole-v1', 6));
  assert.equal(second.status, 403);
  assert.equal(second.body.code, 'PARTICIPANT_QUOTA');
  assert.equal((await post(s, withParticipant(playEpisode('CartPole-v1', 6), 'p2'))).status, 201);
});

test('past the global storage quota episodes get 507 (kept by the browser for later) and nothing is written', async () => {
  const s = await serve({ maxStoredBytes: 1000 });
  const r = await post(s, playEpisode('CartPole-v1', 7));
  assert.equal(r.status, 507);
  assert.equal(r.body.code, 'STORAGE_FULL');
  assert.ok(r.headers['retry-after']);
  assert.deepEqual(
    readdirSync(s.dir).filter((f) => f.endsWith('.jsonl')),
    [],
  );
});

test('the storage quota counts what the folder held before the server started', async () => {
  const ep = playEpisode('CartPole-v1', 8);
  const s1 = await serve();
  assert.equal((await post(s1, ep)).status, 201);
  await s1.close();
  const s2 = await startCollectServer({ dataDir: s1.dir, port: 0, appDir, maxParticipantBytes: 100 });
  servers.push(s2);
  const r = await post(s2, playEpisode('CartPole-v1', 9));
  assert.equal(r.status, 403);
});

test('submissions past the rate limit get 429 with Retry-After', async () => {
  const s = await serve({ ratePerMinute: 3 });
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < 5; i++) {
    const r = await post(s, 'not json');
    statuses.push(r.status);
    if (r.status === 429) retryAfter = r.headers['retry-after'];
  }
  assert.deepEqual(statuses, [400, 400, 400, 429, 429]);
  assert.ok(Number(retryAfter) >= 1);
  // Other routes are not rate-limited.
  assert.equal((await fetch(new URL('/api/health', s.url))).status, 200);
});

test('request bodies held in memory at once are capped: one more gets 503 with Retry-After', async () => {
  const s = await serve({ maxConcurrentBodies: 2 });
  // Two slow uploads that never finish their bodies hold both slots.
  const open: ClientRequest[] = [];
  const held = [0, 1].map(
    () =>
      new Promise<number>((resolve) => {
        const req = request(new URL('/api/episodes', s.url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Length': '100000' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
        req.write('{"format":');
        open.push(req);
      }),
  );
  // Give the server time to start reading both bodies (polling, not a timing assertion).
  for (let i = 0; i < 100; i++) {
    const r = await post(s, '{}');
    if (r.status === 503) {
      assert.equal(r.body.code, 'BUSY');
      assert.equal(r.headers['retry-after'], '1');
      break;
    }
    assert.equal(r.status, 422, 'while a slot is free the body is read');
    await new Promise((res) => setTimeout(res, 20));
    if (i === 99) assert.fail('never saw 503 with both slots held');
  }
  for (const req of open) req.destroy();
  await Promise.all(held);
  // Slots are freed when the uploads go away.
  let ok = false;
  for (let i = 0; i < 100 && !ok; i++) {
    ok = (await post(s, playEpisode('CartPole-v1', 10))).status === 201;
    if (!ok) await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(ok, 'slots freed after the clients left');
});
