/**
 * The collection server (node:http): serves the browser app, and stores the episodes participants play. An episode
 * is acknowledged (2xx) only after it replayed bit-exactly and its line is fsync'd to `<dataDir>/<participant>.jsonl`;
 * resubmitting an acknowledged episode is answered 200 without storing it again, across restarts too.
 *
 * Routes: GET / (the app) · GET /app.js, /style.css · POST /api/episodes · GET /api/participants/<id> ·
 * GET /api/health. Errors are JSON `{ error, code }` with a 4xx status that says whose fault it is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { episodeReturn } from '../shared/human/episode.js';
import { APP_FILES, checkAppDir, defaultAppDir } from './app_files.js';
import { EpisodeIndex, episodeDigest, type ParticipantSummary } from './episode_index.js';
import { CollectError } from './errors.js';
import type { LineLog } from '../platform/log.js';
import { lockDataDir } from './lock.js';
import { appendEpisodes, participantFile, readEpisodeFile, repairTornTail } from '../data/human_store.js';
import { Replayer } from './replayer.js';
import { DEFAULT_COLLECT_LIMITS, RateLimiter, StorageLedger } from './limits.js';
import { parseSubmission, PARTICIPANT_ID } from './submission.js';

export interface CollectServerOptions {
  /** Folder of the `<participant>.jsonl` files (created if missing). */
  readonly dataDir: string;
  /** TCP port; 0 picks a free one (see `CollectServer.port`). */
  readonly port: number;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 to let other machines in). */
  readonly host?: string;
  /** Folder of the built browser app (default `dist/app` of this package). */
  readonly appDir?: string;
  /** Largest accepted request body in bytes (default 4 MiB; a 1000-step LunarLander episode is ~0.2 MiB). */
  readonly maxBodyBytes?: number;
  /** Episode submissions per minute from one client address; more get 429 with Retry-After (default 120). */
  readonly ratePerMinute?: number;
  /** Bytes one participant's file may reach; an episode past it gets 403 PARTICIPANT_QUOTA (default 256 MiB). */
  readonly maxParticipantBytes?: number;
  /** Bytes the whole data folder may reach; an episode past it gets 507 STORAGE_FULL, retried later (default 8 GiB). */
  readonly maxStoredBytes?: number;
  /** Request bodies held in memory at once; more get 503 with Retry-After (default 16). */
  readonly maxConcurrentBodies?: number;
  /** Receives one line per stored or refused episode and per startup repair (default: nothing). */
  readonly log?: LineLog;
}

export interface CollectServer {
  /** Base URL, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  readonly port: number;
  /** Episodes stored in the folder, this run's included. */
  readonly stored: () => number;
  /** Stops accepting connections, lets requests in flight finish, releases the folder. */
  close(): Promise<void>;
}

/** Default `maxBodyBytes`. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** How long `close` waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_MS = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const API_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } as const;
// The app loads only its own script and style and talks only to this server.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, e: HttpError, extra: Record<string, string> = {}): void {
  sendJson(res, e.status, { error: e.message, code: e.code }, extra);
}

/** Reads the whole body as UTF-8, refusing (413) past `limit` bytes without buffering the excess. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = (): HttpError =>
    new HttpError(413, 'BODY_TOO_LARGE', `the body exceeds ${limit} bytes; one episode per request is expected`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
    // A client that goes away mid-body must free its slot (see maxConcurrentBodies).
    req.on('close', () => {
      if (!ended && !failed) {
        failed = true;
        chunks.length = 0;
        reject(new HttpError(400, 'BODY_ABORTED', 'the client closed the connection before the body ended'));
      }
    });
  });
}

/** Repairs torn tails, then indexes every stored episode of the folder. */
function loadFolder(dir: string, log: LineLog): EpisodeIndex {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const index = new EpisodeIndex();
  for (const f of files) {
    const path = join(dir, f);
    const saved = repairTornTail(path);
    if (saved !== null) log(`${path}: cut an unfinished last line (a crash mid-write) into ${saved}`, 'warn');
    for (const ep of readEpisodeFile(path)) index.add(ep);
  }
  return index;
}

/** Starts the server; resolves once it listens. Throws a CollectError when the app is not built or the port is taken. */
export async function startCollectServer(opts: CollectServerOptions): Promise<CollectServer> {
  const appDir = opts.appDir ?? defaultAppDir();
  checkAppDir(appDir);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log: LineLog = opts.log ?? ((): void => undefined);
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true });
  const unlock = lockDataDir(opts.dataDir);
  let index: EpisodeIndex;
  const replayer = new Replayer();
  try {
    index = loadFolder(opts.dataDir, log);
    await replayer.start();
  } catch (e) {
    unlock();
    await replayer.close();
    throw e;
  }
  const limiter = new RateLimiter(opts.ratePerMinute ?? DEFAULT_COLLECT_LIMITS.ratePerMinute);
  const ledger = StorageLedger.ofFolder(opts.dataDir);
  const maxParticipantBytes = opts.maxParticipantBytes ?? DEFAULT_COLLECT_LIMITS.maxParticipantBytes;
  const maxStoredBytes = opts.maxStoredBytes ?? DEFAULT_COLLECT_LIMITS.maxStoredBytes;
  const maxBodies = opts.maxConcurrentBodies ?? DEFAULT_COLLECT_LIMITS.maxConcurrentBodies;
  let bodies = 0;
  // Submissions of one id wait for each other, so a resent episode is never replayed and stored twice.
  const inFlight = new Map<string, Promise<unknown>>();

  const submit = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    // Requiring JSON also keeps other sites' pages from posting here (they would need a CORS preflight).
    if (type !== 'application/json')
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the episode as Content-Type: application/json`);
    const wait = limiter.take(req.socket.remoteAddress ?? '?');
    if (wait > 0)
      throw new HttpError(429, 'RATE_LIMITED', `too many submissions from this address; retry in ${wait} s`, {
        'Retry-After': String(wait),
      });
    if (bodies >= maxBodies)
      throw new HttpError(503, 'BUSY', `the server is receiving ${maxBodies} episodes already; retry shortly`, {
        'Retry-After': '1',
      });
    bodies++;
    try {
      await receive(req, res);
    } finally {
      bodies--;
    }
  };

  const receive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req, maxBody);
    const parsed = parseSubmission(text);
    if (!parsed.ok) throw new HttpError(parsed.status, parsed.code, parsed.message);
    const ep = parsed.episode;
    while (inFlight.has(ep.id)) await inFlight.get(ep.id)?.catch(() => undefined);
    const digest = episodeDigest(ep);
    const known = index.digestOf(ep.id);
    if (known !== undefined) {
      if (known !== digest)
        throw new HttpError(
          409,
          'EPISODE_ID_CONFLICT',
          `episode id ${ep.id} is already stored with different content; a new episode needs a new id`,
        );
      sendJson(res, 200, { status: 'duplicate', id: ep.id, summary: index.summary(ep.participant) });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(ep)) + 1;
    if (ledger.participantBytes(ep.participant) + bytes > maxParticipantBytes)
      throw new HttpError(
        403,
        'PARTICIPANT_QUOTA',
        `participant ${ep.participant} has stored ${ledger.participantBytes(ep.participant)} bytes; this episode ` +
          `would pass the ${maxParticipantBytes}-byte quota per participant (ask the operator)`,
      );
    if (ledger.totalBytes() + bytes > maxStoredBytes)
      throw new HttpError(
        507,
        'STORAGE_FULL',
        `the server's storage quota (${maxStoredBytes} bytes) is reached; the episode stays in the browser, retry later`,
      );
    const replaying = replayer.replay(ep);
    inFlight.set(ep.id, replaying);
    let replayed;
    try {
      replayed = await replaying;
    } catch (e) {
      throw new HttpError(503, 'REPLAY_UNAVAILABLE', `cannot check the episode now (${(e as Error).message}); retry`);
    } finally {
      inFlight.delete(ep.id);
    }
    if (!replayed.ok) {
      log(`refused ${ep.participant} ${ep.envId} ${ep.id}: ${replayed.message}`, 'warn');
      throw new HttpError(replayed.status, replayed.code, replayed.message);
    }
    // Synchronous append + fsync, then the index: no other request runs in between.
    const file = participantFile(opts.dataDir, ep.participant);
    try {
      appendEpisodes(file, [ep]);
    } catch (e) {
      // A half-written line must not stay in front of the next append (the browser resends this episode).
      try {
        repairTornTail(file);
      } catch {
        // the next start repairs it
      }
      throw new HttpError(500, 'STORE_FAILED', `cannot store the episode: ${(e as Error).message}`);
    }
    index.add(ep, digest);
    ledger.add(ep.participant, bytes);
    log(
      `stored ${ep.participant} ${ep.envId} seed ${ep.seed}: ${ep.actions.length} steps, return ` +
        `${episodeReturn(ep)} (${ep.id})`,
    );
    sendJson(res, 201, { status: 'stored', id: ep.id, summary: index.summary(ep.participant) });
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse, name: string): void => {
    let body: Buffer;
    try {
      body = readFileSync(join(appDir, name));
    } catch {
      throw new HttpError(404, 'NOT_FOUND', `${name} is not built; run 'npm run build' where evoscale is installed`);
    }
    res.writeHead(200, {
      'Content-Type': APP_FILES[name],
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(name === 'index.html' ? { 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      throw new HttpError(400, 'BAD_URL', 'the request target is not a valid URL path');
    }
    const method = req.method ?? 'GET';
    const only = (...allowed: string[]): void => {
      if (!allowed.includes(method))
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} accepts ${allowed.join(', ')}, not ${method}`);
    };
    if (path === '/api/episodes') {
      only('POST');
      return submit(req, res);
    }
    const participant = /^\/api\/participants\/([^/]*)$/.exec(path);
    if (participant) {
      only('GET');
      let id: string;
      try {
        id = decodeURIComponent(participant[1]);
      } catch {
        throw new HttpError(
          400,
          'BAD_URL',
          `the participant id in ${path.slice(0, 100)} is not valid percent-encoding`,
        );
      }
      if (!PARTICIPANT_ID.test(id))
        throw new HttpError(
          400,
          'INVALID_PARTICIPANT',
          `participant ids start with a letter or digit and hold 1-64 letters, digits, _ or -`,
        );
      const summary: ParticipantSummary = index.summary(id);
      return sendJson(res, 200, summary);
    }
    if (path === '/api/health') {
      only('GET');
      return sendJson(res, 200, { ok: true, episodes: index.size });
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    if (Object.prototype.hasOwnProperty.call(APP_FILES, name)) {
      only('GET', 'HEAD');
      return serveFile(req, res, name);
    }
    throw new HttpError(404, 'NOT_FOUND', `no such page: ${path}`);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      const err =
        e instanceof HttpError
          ? e
          : new HttpError(500, 'INTERNAL', `the server failed: ${e instanceof Error ? e.message : String(e)}`);
      if (err.status >= 500) log(`error on ${req.method} ${req.url}: ${err.message}`, 'error');
      const retry: Record<string, string> =
        err.status === 503 || err.status === 507 ? { 'Retry-After': '5', ...err.headers } : err.headers;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // After refusing a body part-way (too large, rate-limited, busy), close the connection rather than read the rest.
      const close = !req.complete;
      sendError(res, err, close ? { ...retry, Connection: 'close' } : retry);
      if (close) res.on('finish', () => req.socket.destroySoon());
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    unlock();
    await replayer.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CollectError(`port ${opts.port} on ${host} is in use; pick another with --port`, 'COLLECT_PORT_IN_USE');
    throw new CollectError(`cannot listen on ${host}:${opts.port} (${(e as Error).message})`, 'COLLECT_LISTEN');
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.close(() => {
        clearTimeout(force);
        unlock();
        void replayer.close().then(resolve);
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { url: `http://${shownHost}:${port}/`, port, stored: () => index.size, close };
}
