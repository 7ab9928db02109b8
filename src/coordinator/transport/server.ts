/**
 * The coordinator's ZeroMQ side: a ROUTER socket that admits workers (hello → welcome), exchanges heartbeats,
 * routes results, progress and errors to the RemoteWorker they belong to, and drops workers that fall silent.
 * Every frame is size-checked against its type's limits, structure-checked, decoded and validated; a bad one is
 * counted in evoscale_malformed_frames_total and answered with an `error` (rate-limited) or dropped. Nothing a
 * peer sends can stop the server or grow its memory without bound.
 *
 * Identity is bound to the connection: the ROUTER never hands a live routing id to a second connection
 * (no `handover`), workers pick a fresh random routing id per socket, and a hello naming a worker id that a live
 * connection holds is refused unless it carries that worker's session (the same process on a new socket).
 * Peers that keep sending bad frames, and workers evicted for their answers or for stalling, are refused for a
 * growing while (PeerGuard); every refusal, eviction, malformed frame and failed handshake is logged, rate-limited.
 */
import type { LineLog } from '../../platform/log.js';
import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'zeromq';
import { EvoscaleError } from '../../shared/errors.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  defaultFrameLimits,
  encodeMessage,
  type FrameLimits,
  type FrameRejection,
  type HelloMessage,
  type Message,
} from '../../shared/protocol/index.js';
import { DEFAULT_AUDIT_RATE, ShardAuditor } from '../guard/audit.js';
import { PeerGuard } from '../guard/peer_guard.js';
import { RateLimitedLog } from '../../cluster/net/rate_limited_log.js';
import { SendQueue } from '../../cluster/net/send_queue.js';
import { Cluster } from '../cluster.js';
import type { CurveKeyPair } from '../keys.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { RemoteWorker, type MisbehaviourKind } from './remote_worker.js';

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
  /** Share of each remote worker's agents the coordinator re-evaluates (default 0.02; 0 = probation only). */
  readonly auditRate?: number;
  /** Who is refused for how long (tests pass a faster one). */
  readonly guard?: PeerGuard;
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
/** `error` replies to unknown or refused peers, all of them together, per second at most. */
const MAX_ERROR_REPLIES_PER_SECOND = 200;
/** Peers refused at hello that still get a `bye` when the coordinator finishes (so --exit-on-bye exits). */
const MAX_REFUSED_PEERS = 1000;
/** Bytes of a `result` frame besides its fitness values (runId, ids, range, msgpack headers). */
const RESULT_FRAME_OVERHEAD = 1024;
/** Frames a worker never sends, or sends only when holding work, are this small otherwise. */
const SMALL_FRAME = 1024;

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
  private errorReplies = { second: 0, count: 0 };
  /** Routing ids refused at hello (duplicate id, refused worker id), with when: they get a bye at close. */
  private readonly refusedHellos = new Map<string, { identity: Uint8Array; at: number }>();
  readonly guard: PeerGuard;
  readonly auditor: ShardAuditor;
  private readonly notes: RateLimitedLog;
  /** Salt of peer labels: a label names a peer in this coordinator's metrics, and nothing an attacker can use. */
  private readonly salt = randomUUID();
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
    too_complex: 0,
  };
  /** Frames dropped unread because their sender is refused. */
  refusedFrames = 0;
  /** Hellos refused: a duplicate worker id, or a worker id refused for a while. */
  refusedHellosTotal = 0;
  /** Workers evicted, by reason. */
  readonly evicted: Record<MisbehaviourKind, number> = {
    non_finite: 0,
    out_of_bounds: 0,
    audit_mismatch: 0,
    timeout: 0,
    malformed: 0,
  };
  readonly wire: WireCounters = {};

  constructor(private readonly options: CoordinatorServerOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.timeoutMs = this.heartbeatMs * (options.missedHeartbeats ?? 5);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.guard = options.guard ?? new PeerGuard();
    this.auditor = new ShardAuditor(options.auditRate ?? DEFAULT_AUDIT_RATE, options.metrics);
    this.notes = new RateLimitedLog(options.log);
    this.cluster = new Cluster({ metrics: options.metrics, log: options.log });
    this.router = new Router({
      // Sends to a worker that is gone fail at once (EHOSTUNREACH) instead of vanishing silently.
      mandatory: true,
      // No handover: a second connection claiming a live routing id is refused by ZeroMQ itself, so nobody can
      // take over a worker's pipe. Workers use a fresh random routing id per socket (see the worker client).
      handover: false,
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
    void this.watchHandshakes();
  }

  /** Logs refused connections: wrong CURVE keys, plaintext peers on a CURVE endpoint, protocol garbage. */
  private async watchHandshakes(): Promise<void> {
    try {
      for await (const event of this.router.events) {
        if (
          event.type === 'handshake:error:auth' ||
          event.type === 'handshake:error:protocol' ||
          event.type === 'handshake:error:other'
        ) {
          this.options.metrics?.peersRefused.inc({ reason: 'handshake' });
          this.notes.write(
            'handshake',
            `coordinator: refused a connection on ${event.address}: ${event.error.message}` +
              (this.options.curve !== undefined
                ? " (a peer without this coordinator's CURVE public key, or a plaintext one)"
                : ''),
          );
        }
      }
    } catch {
      // The socket closed.
    }
  }

  /** A short label for a routing id in logs: which connection, without handing out the id itself. */
  peerTag(identity: Uint8Array): string {
    return `peer ${createHash('sha256').update(this.salt).update(identity).digest('hex').slice(0, 8)}`;
  }

  /** The `peer` label of a worker's metrics: stable for its worker id here, useless to anyone else. */
  peerLabel(worker: RemoteWorker | undefined): string {
    if (worker === undefined) return 'unknown';
    return `w-${createHash('sha256').update(this.salt).update(worker.id).digest('hex').slice(0, 8)}`;
  }

  /** What a log line says about a worker: its id and the tag of its connection. */
  private describe(worker: RemoteWorker): string {
    return `worker ${worker.id} (${this.peerTag(worker.identity)})`;
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
    this.options.metrics?.bytesSent.inc({ peer: this.peerLabel(worker) }, frame.byteLength);
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
    const worker = this.byIdentity.get(key);
    const who = worker !== undefined && worker.alive() ? this.describe(worker) : this.peerTag(identity);
    this.notes.write('malformed', `coordinator: refused a frame from ${who}: ${reason}: ${detail}`);
    // An admitted worker never sends a bad frame: whoever holds that connection is dropped.
    if (worker !== undefined && worker.alive())
      this.evict(worker, 'malformed', `sent a bad frame (${reason}: ${detail})`);
    const refusedMs = this.guard.offence(key);
    if (refusedMs > 0) {
      this.notes.write(
        'refused',
        `coordinator: refusing ${this.peerTag(identity)} for ${refusedMs / 1000} s after repeated bad frames`,
      );
    }
    const code = reason === 'too_large' ? 'too_large' : reason === 'version' ? 'version' : 'malformed';
    this.replyError(identity, { type: 'error', code, message: detail }, worker);
  }

  /** Sends an `error` to a peer, at most every ERROR_REPLY_INTERVAL_MS per peer and a few hundred a second in all. */
  private replyError(identity: Uint8Array, msg: Message, worker?: RemoteWorker): void {
    const key = Buffer.from(identity).toString('hex');
    const now = Date.now();
    const last = this.lastErrorReply.get(key) ?? 0;
    if (now - last < ERROR_REPLY_INTERVAL_MS) return;
    const second = Math.floor(now / 1000);
    if (this.errorReplies.second !== second) this.errorReplies = { second, count: 0 };
    if (this.errorReplies.count >= MAX_ERROR_REPLIES_PER_SECOND) return;
    this.errorReplies.count++;
    if (this.lastErrorReply.size >= MAX_ERROR_PEERS) this.lastErrorReply.clear();
    this.lastErrorReply.set(key, now);
    this.sendTo(identity, msg, worker !== undefined && worker.alive() ? worker : undefined);
  }

  /** Limits of a frame of `type` from `worker` (undefined: a peer not admitted). */
  private limitsFor(worker: RemoteWorker | undefined, type: string | undefined): FrameLimits {
    const base = defaultFrameLimits(type);
    const admitted = worker !== undefined && worker.alive();
    let maxBytes = base.maxBytes;
    if (type === 'result') {
      // Only as large as the largest shard this peer holds: 8 bytes a value plus headers.
      maxBytes = admitted ? RESULT_FRAME_OVERHEAD + 8 * worker.largestShardRows() : SMALL_FRAME;
    } else if (type === 'trial_done' || type === 'trial_stopped') {
      maxBytes = admitted && worker.trialCount() > 0 ? this.maxFrameBytes : SMALL_FRAME;
    } else if (
      type === 'assign' ||
      type === 'evaluate' ||
      type === 'train' ||
      type === 'stop' ||
      type === 'welcome' ||
      type === 'release'
    ) {
      maxBytes = SMALL_FRAME;
    }
    return { ...base, maxBytes: Math.min(maxBytes, this.maxFrameBytes) };
  }

  private handleFrames(frames: Buffer[]): void {
    const identity = frames[0];
    const key = identity.toString('hex');
    if (this.guard.refusedFor(key) > 0) {
      // Dropped unread: a refused peer costs a map lookup per frame.
      this.refusedFrames++;
      this.options.metrics?.malformedFrames.inc({ reason: 'peer_refused' });
      return;
    }
    if (frames.length !== 2) {
      const bytes = frames.slice(1).reduce((a, f) => a + f.byteLength, 0);
      this.refuse(identity, 'parts', `expected one frame per message, got ${frames.length - 1}`, bytes);
      return;
    }
    const known = this.byIdentity.get(key);
    const decoded = decodeFrame(frames[1], {
      maxBytes: this.maxFrameBytes,
      limits: (type) => this.limitsFor(known, type),
    });
    if (!decoded.ok) {
      this.refuse(identity, decoded.reason, decoded.detail, decoded.bytes);
      return;
    }
    const msg = decoded.msg;
    const worker = known;
    this.count(msg.type, 'received', decoded.bytes);
    this.options.metrics?.bytesReceived.inc({ peer: this.peerLabel(worker) }, decoded.bytes);
    if (msg.type === 'hello') {
      this.admit(identity, msg);
      return;
    }
    if (worker === undefined || !worker.alive()) {
      // Unknown sender: a worker from before a coordinator restart, or one that was dropped. It must say hello.
      if (msg.type !== 'bye' && msg.type !== 'error') {
        this.replyError(identity, {
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
      case 'trial_stopped':
        worker.onTrialStopped(msg);
        return;
      case 'bye':
        worker.lose(`said bye (${msg.reason})`);
        return;
      default:
        this.refuse(identity, 'invalid', `a worker may not send '${msg.type}'`, 0);
    }
  }

  /** Drops a worker for what it sent or how it stalled, and refuses its id for a growing while. */
  private evict(worker: RemoteWorker, kind: MisbehaviourKind, detail: string): void {
    if (!worker.alive()) return;
    this.evicted[kind]++;
    this.options.metrics?.workersEvicted.inc({ reason: kind });
    // The worker id is refused, not the connection: when it says hello again it is told why and for how long.
    const ms = this.guard.punish(`id:${worker.id}`);
    this.notes.write(
      `evicted:${kind}`,
      `coordinator: evicted ${this.describe(worker)}: ${detail}; refused for ${ms / 1000} s`,
    );
    worker.lose(`evicted (${kind}): ${detail}`);
  }

  /** Refuses a hello with a message the worker logs, and remembers the peer so that it gets a bye at close. */
  private refuseHello(identity: Uint8Array, reason: string, message: string): void {
    this.refusedHellosTotal++;
    this.options.metrics?.peersRefused.inc({ reason });
    const key = Buffer.from(identity).toString('hex');
    if (this.refusedHellos.size >= MAX_REFUSED_PEERS) {
      const first = this.refusedHellos.keys().next();
      if (first.done !== true) this.refusedHellos.delete(first.value);
    }
    this.refusedHellos.delete(key);
    this.refusedHellos.set(key, { identity: Uint8Array.from(identity), at: Date.now() });
    this.notes.write(`hello:${reason}`, `coordinator: refused a hello from ${this.peerTag(identity)}: ${message}`);
    this.replyError(identity, { type: 'error', code: 'rejected', message });
  }

  private admit(identity: Uint8Array, hello: HelloMessage): void {
    const refusedMs = this.guard.refusedFor(`id:${hello.workerId}`);
    if (refusedMs > 0) {
      this.refuseHello(
        identity,
        'refused_id',
        `worker id '${hello.workerId}' is refused for another ${Math.ceil(refusedMs / 1000)} s (evicted for its answers or for stalling); see the coordinator's log`,
      );
      return;
    }
    const previous = this.workers.get(hello.workerId);
    if (
      previous !== undefined &&
      previous.alive() &&
      previous.hello.session !== hello.session &&
      !Buffer.from(previous.identity).equals(identity)
    ) {
      // Another connection claims a worker id a live one holds without that worker's session: a second process
      // started with the same --id (or someone who read the id). The live one keeps it.
      this.refuseHello(
        identity,
        'duplicate_id',
        `worker id '${hello.workerId}' is already connected to ${this.id}: give each worker its own --id ` +
          `(a restarted worker is admitted once the old connection has been silent for ${this.timeoutMs / 1000} s)`,
      );
      return;
    }
    const sameConnection = this.byIdentity.get(Buffer.from(identity).toString('hex'));
    if (sameConnection !== undefined && sameConnection.id !== hello.workerId) {
      sameConnection.lose('said hello under another id');
    }
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
      onMisbehaviour: (w, kind, detail) => this.evict(w, kind, detail),
      auditor: this.auditor,
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
    // Workers refused at hello (a duplicate --id) are told too, so that --exit-on-bye always exits.
    for (const [key, r] of this.refusedHellos) {
      if (!this.byIdentity.has(key)) this.sendTo(r.identity, { type: 'bye', reason });
    }
    await Promise.race([this.queue.flush(), new Promise((r) => setTimeout(r, 500))]);
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const w of [...this.workers.values()]) w.lose('coordinator closed');
    this.router.close();
    await this.loop?.catch(() => {});
  }
}
