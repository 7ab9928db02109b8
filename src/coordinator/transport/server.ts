/**
 * The coordinator's ZeroMQ side: a ROUTER socket that admits workers (hello → welcome), exchanges heartbeats,
 * routes results, progress and errors to the RemoteWorker they belong to, and drops workers that fall silent.
 * Every frame is size-checked, decoded and validated; a bad one is counted in evoscale_malformed_frames_total
 * and answered with an `error` (rate-limited) or dropped. Nothing a peer sends can stop the server.
 */
import type { LineLog } from '../../platform/log.js';
import { randomUUID } from 'node:crypto';
import { Router } from 'zeromq';
import { EvoscaleError } from '../../shared/errors.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeMessage,
  type FrameRejection,
  type HelloMessage,
  type Message,
} from '../../shared/protocol/index.js';
import { SendQueue } from '../../cluster/net/send_queue.js';
import { Cluster } from '../cluster.js';
import type { CurveKeyPair } from '../keys.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { RemoteWorker } from './remote_worker.js';

export interface CoordinatorServerOptions {
  /** ZeroMQ endpoint, e.g. tcp://0.0.0.0:5555 (tcp://127.0.0.1:* picks a free port; see `endpoint`). */
  readonly bind: string;
  /** Turns on CURVE: only workers that know this key pair's public key can connect. */
  readonly curve?: CurveKeyPair;
  /** Heartbeat interval both ways (default 1000 ms). */
  readonly heartbeatMs?: number;
  /** Heartbeats a worker may miss before it is dropped and its shards re-dispatched (default 5). */
  readonly missedHeartbeats?: number;
  /** A shard with no result after this long is re-dispatched (default 10 min). */
  readonly shardTimeoutMs?: number;
  readonly maxFrameBytes?: number;
  readonly metrics?: RuntimeMetrics;
  readonly log?: LineLog;
}

export class ServerError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'COORDINATOR_SERVER');
  }
}

interface Outgoing {
  readonly identity: Uint8Array;
  readonly frame: Uint8Array;
  readonly worker?: RemoteWorker;
}

/** Bytes of each message type, both directions. */
export type WireCounters = Record<string, { sent: number; received: number; frames: number }>;

const ERROR_REPLY_INTERVAL_MS = 100;
const MAX_ERROR_PEERS = 10_000;

export class CoordinatorServer {
  readonly id = `coordinator-${randomUUID().slice(0, 8)}`;
  /** Evaluator slots: the workers that evaluate shards. */
  readonly cluster: Cluster;
  private readonly router: Router;
  private readonly workers = new Map<string, RemoteWorker>();
  private readonly byIdentity = new Map<string, RemoteWorker>();
  private readonly queue: SendQueue<Outgoing>;
  private readonly heartbeatMs: number;
  private readonly timeoutMs: number;
  private readonly maxFrameBytes: number;
  private readonly lastErrorReply = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing = false;
  private loop: Promise<void> | undefined;
  private readonly workerListeners: ((w: RemoteWorker, event: 'joined' | 'lost') => void)[] = [];
  /** Frames refused, by reason. */
  readonly rejected: Record<FrameRejection | 'parts', number> = {
    too_large: 0,
    undecodable: 0,
    not_a_message: 0,
    version: 0,
    invalid: 0,
    parts: 0,
  };
  readonly wire: WireCounters = {};

  constructor(private readonly options: CoordinatorServerOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.timeoutMs = this.heartbeatMs * (options.missedHeartbeats ?? 5);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.cluster = new Cluster({ metrics: options.metrics, log: options.log });
    this.router = new Router({
      // Sends to a worker that is gone fail at once (EHOSTUNREACH) instead of vanishing silently.
      mandatory: true,
      // A worker that reconnects under the same id takes over its routing id.
      handover: true,
      sendTimeout: 2000,
      linger: 0,
      // Frames somewhat over the limit arrive and are counted and refused here; ZeroMQ itself disconnects a
      // peer sending one far beyond it (more than twice), so no frame can exhaust memory.
      maxMessageSize: Math.min(2 ** 31 - 1, 2 * this.maxFrameBytes + (1 << 20)),
      ...(options.curve !== undefined
        ? { curveServer: true, curveSecretKey: options.curve.secretKey, curvePublicKey: options.curve.publicKey }
        : {}),
    });
    this.queue = new SendQueue<Outgoing>(
      async (o) => {
        await this.router.send([o.identity, o.frame]);
      },
      (o, err) => {
        if (o.worker !== undefined) o.worker.lose(`unreachable (${(err as Error).message})`);
      },
    );
  }

  /** The endpoint really bound (a wildcard port resolved). */
  get endpoint(): string {
    return this.router.lastEndpoint ?? this.options.bind;
  }

  /** Binds and starts serving. */
  async start(): Promise<void> {
    try {
      await this.router.bind(this.options.bind);
    } catch (e) {
      throw new ServerError(
        `cannot bind ${this.options.bind}: ${(e as Error).message}; pick a free port or another address`,
      );
    }
    this.timer = setInterval(() => this.tick(), this.heartbeatMs);
    this.timer.unref();
    this.loop = this.receiveLoop();
  }

  /** Workers admitted and alive. */
  connected(): RemoteWorker[] {
    return [...this.workers.values()].filter((w) => w.alive());
  }

  /** Called whenever a worker joins or is lost. */
  onWorker(listener: (w: RemoteWorker, event: 'joined' | 'lost') => void): void {
    this.workerListeners.push(listener);
  }

  /** Bytes of `evaluate` and `result` frames so far: the per-generation cost of the seed-compact protocol. */
  generationBytes(): number {
    return (this.wire.evaluate?.sent ?? 0) + (this.wire.result?.received ?? 0);
  }

  /** Malformed frames counted so far. */
  rejectedTotal(): number {
    return Object.values(this.rejected).reduce((a, b) => a + b, 0);
  }

  private count(type: string, direction: 'sent' | 'received', bytes: number): void {
    const c = (this.wire[type] ??= { sent: 0, received: 0, frames: 0 });
    c[direction] += bytes;
    c.frames++;
  }

  /** Queues a message to a worker. */
  send(worker: RemoteWorker, msg: Message): void {
    this.sendTo(worker.identity, msg, worker);
  }

  private sendTo(identity: Uint8Array, msg: Message, worker?: RemoteWorker): void {
    if (this.closed) return;
    const frame = encodeMessage(msg);
    this.count(msg.type, 'sent', frame.byteLength);
    this.options.metrics?.bytesSent.inc({ peer: worker?.id ?? 'unknown' }, frame.byteLength);
    this.queue.push({ identity, frame, ...(worker !== undefined ? { worker } : {}) });
  }

  private async receiveLoop(): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await this.router.receive();
      } catch (e) {
        if (this.closed) return;
        this.options.log?.(`coordinator: receive failed (${(e as Error).message}); continuing`, 'warn');
        continue;
      }
      try {
        this.handleFrames(frames);
      } catch (e) {
        // A bug in a handler must not stop the server; it is logged with the message type.
        this.options.log?.(`coordinator: error while handling a message: ${(e as Error).stack ?? String(e)}`, 'error');
      }
    }
  }

  private refuse(identity: Uint8Array, reason: FrameRejection | 'parts', detail: string, bytes: number): void {
    this.rejected[reason]++;
    this.options.metrics?.malformedFrames.inc({ reason });
    this.options.metrics?.bytesReceived.inc({ peer: 'unknown' }, bytes);
    const key = Buffer.from(identity).toString('hex');
    const now = Date.now();
    const last = this.lastErrorReply.get(key) ?? 0;
    if (now - last < ERROR_REPLY_INTERVAL_MS) return;
    if (this.lastErrorReply.size >= MAX_ERROR_PEERS) this.lastErrorReply.clear();
    this.lastErrorReply.set(key, now);
    const code = reason === 'too_large' ? 'too_large' : reason === 'version' ? 'version' : 'malformed';
    this.sendTo(identity, { type: 'error', code, message: detail }, this.byIdentity.get(key));
  }

  private handleFrames(frames: Buffer[]): void {
    const identity = frames[0];
    if (frames.length !== 2) {
      const bytes = frames.slice(1).reduce((a, f) => a + f.byteLength, 0);
      this.refuse(identity, 'parts', `expected one frame per message, got ${frames.length - 1}`, bytes);
      return;
    }
    const decoded = decodeFrame(frames[1], { maxBytes: this.maxFrameBytes });
    if (!decoded.ok) {
      this.refuse(identity, decoded.reason, decoded.detail, decoded.bytes);
      return;
    }
    const msg = decoded.msg;
    const key = identity.toString('hex');
    const worker = this.byIdentity.get(key);
    this.count(msg.type, 'received', decoded.bytes);
    this.options.metrics?.bytesReceived.inc({ peer: worker?.id ?? 'unknown' }, decoded.bytes);
    if (msg.type === 'hello') {
      this.admit(identity, msg);
      return;
    }
    if (worker === undefined || !worker.alive()) {
      // Unknown sender: a worker from before a coordinator restart, or one that was dropped. It must say hello.
      if (msg.type !== 'bye' && msg.type !== 'error') {
        this.sendTo(identity, {
          type: 'error',
          code: 'hello_required',
          message: `${this.id} does not know you; send hello`,
        });
      }
      return;
    }
    worker.lastSeen = Date.now();
    switch (msg.type) {
      case 'heartbeat':
        return;
      case 'result':
        worker.onResult(msg);
        return;
      case 'error':
        this.options.log?.(`coordinator: worker ${worker.id} reports ${msg.code}: ${msg.message}`, 'warn');
        worker.onError(msg);
        return;
      case 'progress':
        worker.onProgress(msg);
        return;
      case 'trial_done':
        worker.onTrialDone(msg);
        return;
      case 'bye':
        worker.lose(`said bye (${msg.reason})`);
        return;
      default:
        this.refuse(identity, 'invalid', `a worker may not send '${msg.type}'`, 0);
    }
  }

  private admit(identity: Uint8Array, hello: HelloMessage): void {
    const previous = this.workers.get(hello.workerId);
    if (
      previous !== undefined &&
      previous.alive() &&
      previous.hello.session === hello.session &&
      Buffer.from(previous.identity).equals(identity)
    ) {
      // A retried hello (the welcome crossed it on the wire): same worker, same replicas.
      previous.lastSeen = Date.now();
      this.send(previous, {
        type: 'welcome',
        workerId: hello.workerId,
        coordinatorId: this.id,
        heartbeatMs: this.heartbeatMs,
      });
      return;
    }
    if (previous !== undefined) previous.lose('reconnected');
    const worker = new RemoteWorker(hello.workerId, identity, hello, this, {
      shardTimeoutMs: this.options.shardTimeoutMs ?? 600_000,
      onLost: (w, reason) => this.forget(w, reason),
    });
    this.workers.set(hello.workerId, worker);
    this.byIdentity.set(Buffer.from(identity).toString('hex'), worker);
    this.send(worker, {
      type: 'welcome',
      workerId: hello.workerId,
      coordinatorId: this.id,
      heartbeatMs: this.heartbeatMs,
    });
    this.options.log?.(
      `coordinator: worker ${hello.workerId} joined (${hello.role}, ${hello.backend}, ${hello.threads} thread${hello.threads === 1 ? '' : 's'})`,
    );
    if (hello.role === 'evaluator') this.cluster.add(worker);
    this.updateGauge();
    for (const l of this.workerListeners) l(worker, 'joined');
  }

  private forget(worker: RemoteWorker, reason: string): void {
    if (this.workers.get(worker.id) === worker) this.workers.delete(worker.id);
    const key = Buffer.from(worker.identity).toString('hex');
    if (this.byIdentity.get(key) === worker) this.byIdentity.delete(key);
    this.cluster.remove(worker.id);
    // A reconnection under the same id re-adds the new object; only a real loss is a lost worker.
    if (reason !== 'reconnected' && !this.closing) {
      this.options.metrics?.workersLost.inc({ reason: reason.split(' ')[0] });
      this.options.log?.(`coordinator: worker ${worker.id} lost: ${reason}`, 'warn');
    }
    this.updateGauge();
    for (const l of this.workerListeners) l(worker, 'lost');
    this.cluster.poke();
  }

  private updateGauge(): void {
    const g = this.options.metrics?.workersConnected;
    if (g === undefined) return;
    g.reset();
    for (const w of this.connected()) g.inc({ role: w.role, backend: w.backend });
  }

  private lastTick = Date.now();

  private tick(): void {
    const now = Date.now();
    const stalled = now - this.lastTick > 2 * this.heartbeatMs;
    this.lastTick = now;
    for (const w of [...this.workers.values()]) {
      // After a long stall of this process (a big selection step, a swap storm) the workers' heartbeats are
      // still unread in the socket: give them a fresh interval instead of dropping them all.
      if (stalled) w.lastSeen = Math.max(w.lastSeen, now - this.heartbeatMs);
      if (now - w.lastSeen > this.timeoutMs) {
        w.lose(`missed heartbeats (silent for ${now - w.lastSeen} ms)`);
        continue;
      }
      this.send(w, { type: 'heartbeat', sentAt: now, busy: w.busy() });
    }
  }

  /** Says bye to every worker and closes the socket. */
  async close(reason = 'coordinator shutting down'): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    for (const w of this.connected()) this.send(w, { type: 'bye', reason });
    await Promise.race([this.queue.flush(), new Promise((r) => setTimeout(r, 500))]);
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const w of [...this.workers.values()]) w.lose('coordinator closed');
    this.router.close();
    await this.loop?.catch(() => {});
  }
}
