/**
 * A worker process's ZeroMQ side: a DEALER that says hello, keeps heartbeats going, holds replicas of the runs
 * it is assigned, evaluates shards on its thread pool and runs whole trials. The connection is retried with
 * exponential backoff (ZeroMQ reconnects the socket; the worker re-introduces itself when the coordinator
 * stops answering or does not know it, e.g. after a coordinator restart). Evaluation runs on pool threads, so
 * the main thread keeps answering heartbeats however long a shard takes.
 */
import type { LineLevel, LineLog } from '../../platform/log.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { curveKeyPair, Dealer } from 'zeromq';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeMessage,
  type AssignRunMessage,
  type EvaluateShardMessage,
  type Message,
  type TrainTrialMessage,
  type WorkerRole,
} from '../../shared/protocol/index.js';
import type { BackendName } from '../../worker/engine/index.js';
import { buildRunContext } from '../../worker/runtime/run_context.js';
import { RunReplica } from '../../worker/runtime/replica.js';
import { specKey } from '../../worker/runtime/spec_key.js';
import { OffThreadEngine } from '../../worker/runtime/off_thread_engine.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { RateLimitedLog } from '../net/rate_limited_log.js';
import { SendQueue } from '../net/send_queue.js';
import { softwareVersion } from '../net/version.js';
import type { TrialRunner } from './trial_runner.js';

export interface WorkerClientOptions {
  /** Coordinator endpoint, e.g. tcp://coordinator:5555. */
  readonly connect: string;
  /** Stable id (default: hostname-pid-random; the CLI passes hostname-slot, see worker_slot.ts). Reconnections keep it. */
  readonly workerId?: string;
  readonly role?: WorkerRole;
  /** Engine backend name reported to the coordinator. */
  readonly backend?: string;
  /** The backend shards are evaluated with (default 'cpu'). */
  readonly engineBackend?: BackendName;
  /** Threads evaluating shards (and trials at once); default 1. */
  readonly threads?: number;
  /** The coordinator's CURVE public key; turns encryption and authentication on. */
  readonly curveServerKey?: string;
  /** Heartbeat interval until the coordinator sets its own (default 1000 ms). */
  readonly heartbeatMs?: number;
  /** Missed coordinator heartbeats before the worker says hello again (default 5). */
  readonly missedHeartbeats?: number;
  readonly maxFrameBytes?: number;
  readonly metrics?: RuntimeMetrics;
  readonly log?: LineLog;
  /** Runs whole trials (`train` messages); without one they are refused. */
  readonly trialRunner?: TrialRunner;
  /** Exit (resolve `done`) when the coordinator says bye (default false: wait for the next coordinator). */
  readonly exitOnBye?: boolean;
}

interface Replica {
  readonly key: string;
  readonly replica: RunReplica;
}

/**
 * How long a stopping worker waits for its trials to reach their next step and send their checkpoints back before
 * it says bye anyway (within the 10 s a stop may take, SHUTDOWN_GRACE_MS).
 */
const TRIAL_STOP_WAIT_MS = 5000;
const HELLO_BACKOFF_MIN_MS = 250;
const HELLO_BACKOFF_MAX_MS = 5000;

export class WorkerClient {
  readonly workerId: string;
  /** Replaced by a fresh socket (and a fresh routing id) when the coordinator falls quiet. */
  private dealer: Dealer;
  private dealerSince = Date.now();
  private readonly notes: RateLimitedLog;
  private readonly queue: SendQueue<Uint8Array>;
  private readonly pool: OffThreadEngine;
  private readonly replicas = new Map<string, Promise<Replica>>();
  private readonly threads: number;
  private heartbeatMs: number;
  private welcomed = false;
  /** The coordinator said bye and no coordinator has welcomed this worker since. */
  private coordinatorLeft = false;
  private lastHeard = 0;
  private helloBackoff = HELLO_BACKOFF_MIN_MS;
  private nextHelloAt = 0;
  private busy = 0;
  /** Trials running here, each with the switch that stops it at its next step. */
  private readonly trialStops = new Map<string, AbortController>();
  private readonly training = new Set<Promise<void>>();
  /** Renewed whenever the replicas are dropped, so the coordinator knows to assign runs again. */
  private session = randomUUID();
  private lastSent = 0;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private resolveDone: () => void = () => {};
  /** Resolves when the worker has stopped. */
  readonly done: Promise<void>;

  constructor(private readonly options: WorkerClientOptions) {
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`;
    this.threads = Math.max(1, options.threads ?? 1);
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.notes = new RateLimitedLog((line) => this.log(line), 30_000);
    this.dealer = this.createDealer();
    this.queue = new SendQueue<Uint8Array>(
      async (frame) => {
        await this.dealer.send(frame);
      },
      () => {
        // Unsent while disconnected: results are re-dispatched by the coordinator, heartbeats do not matter.
      },
      1000,
    );
    this.pool = new OffThreadEngine(this.threads, options.engineBackend ?? 'cpu');
  }

  /**
   * A DEALER with a random routing id of its own: the worker id is a name, not the address of its pipe, so
   * nobody who learns the name can claim the pipe (the coordinator's ROUTER also refuses a second connection
   * with a live routing id).
   */
  private createDealer(): Dealer {
    const options = this.options;
    const dealer = new Dealer({
      routingId: `w-${randomUUID()}`,
      // ZeroMQ's own reconnection, with exponential backoff from 100 ms to 5 s.
      reconnectInterval: 100,
      reconnectMaxInterval: 5000,
      sendTimeout: 2000,
      linger: 0,
      maxMessageSize: (options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES) + 1024,
      ...(options.curveServerKey !== undefined ? this.curveOptions(options.curveServerKey) : {}),
    });
    void this.watchHandshakes(dealer);
    return dealer;
  }

  /** Says why a connection fails (a wrong CURVE key otherwise retries silently for ever). */
  private async watchHandshakes(dealer: Dealer): Promise<void> {
    try {
      for await (const event of dealer.events) {
        if (
          event.type === 'handshake:error:auth' ||
          event.type === 'handshake:error:protocol' ||
          event.type === 'handshake:error:other'
        ) {
          this.notes.write(
            'handshake',
            `the connection to ${event.address} was refused during the handshake (${event.error.message}); ` +
              (this.options.curveServerKey !== undefined
                ? "check that --curve-server-key is the coordinator's public key"
                : 'the coordinator may require CURVE (--curve-server-key)'),
          );
        }
      }
    } catch {
      // The socket closed.
    }
  }

  /** Drops the socket and connects a fresh one (new routing id): a pipe that went quiet may be dead for good. */
  private reconnect(): void {
    const old = this.dealer;
    this.dealer = this.createDealer();
    this.dealerSince = Date.now();
    this.dealer.connect(this.options.connect);
    old.close();
  }

  private curveOptions(serverKey: string): { curveServerKey: string; curvePublicKey: string; curveSecretKey: string } {
    // Each worker uses a throwaway client key pair: what it must know is the coordinator's public key.
    const pair = curveKeyPair();
    return { curveServerKey: serverKey, curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
  }

  private log(line: string, level?: LineLevel): void {
    this.options.log?.(`worker ${this.workerId}: ${line}`, level);
  }

  /** Connects and starts serving; `done` resolves when the worker stops. */
  start(): void {
    this.dealer.connect(this.options.connect);
    this.sendHello();
    this.timer = setInterval(() => this.tick(), Math.min(this.heartbeatMs, 250));
    this.loop = this.receiveLoop();
  }

  private send(msg: Message): void {
    if (this.stopped) return;
    const frame = encodeMessage(msg);
    this.options.metrics?.bytesSent.inc({ peer: 'coordinator' }, frame.byteLength);
    this.queue.push(frame);
  }

  private sendHello(): void {
    this.send({
      type: 'hello',
      workerId: this.workerId,
      role: this.options.role ?? 'evaluator',
      backend: this.options.backend ?? 'cpu',
      threads: this.threads,
      software: softwareVersion(),
      session: this.session,
    });
    this.nextHelloAt = Date.now() + this.helloBackoff;
    this.helloBackoff = Math.min(HELLO_BACKOFF_MAX_MS, this.helloBackoff * 2);
  }

  private lastTick = Date.now();

  private tick(): void {
    const now = Date.now();
    // A stall of this process (a long selection step) is not the coordinator's silence.
    if (now - this.lastTick > 2 * this.heartbeatMs) this.lastHeard = Math.max(this.lastHeard, now - this.heartbeatMs);
    this.lastTick = now;
    const quietMs = this.heartbeatMs * (this.options.missedHeartbeats ?? 5);
    if (!this.welcomed) {
      // Hellos that get no answer at all (not even a refusal) may be going into a dead pipe: a fresh socket.
      if (now - Math.max(this.lastHeard, this.dealerSince) > Math.max(quietMs, 2 * HELLO_BACKOFF_MAX_MS)) {
        this.reconnect();
        this.helloBackoff = HELLO_BACKOFF_MIN_MS;
        this.sendHello();
        return;
      }
      if (now >= this.nextHelloAt) this.sendHello();
      return;
    }
    if (now - this.lastHeard > quietMs) {
      this.log(`no word from the coordinator for ${now - this.lastHeard} ms; reconnecting on a fresh socket`, 'warn');
      this.welcomed = false;
      this.helloBackoff = HELLO_BACKOFF_MIN_MS;
      this.reconnect();
      this.sendHello();
      return;
    }
    if (now - this.lastSent >= this.heartbeatMs) {
      this.lastSent = now;
      this.send({ type: 'heartbeat', sentAt: now, busy: this.busy });
    }
  }

  private async receiveLoop(): Promise<void> {
    const maxBytes = this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    while (!this.stopped) {
      let frames: Buffer[];
      const dealer = this.dealer;
      try {
        frames = await dealer.receive();
      } catch (e) {
        if (this.stopped) return;
        // A socket replaced by a fresh one ends its pending receive; the loop goes on with the new one.
        if (dealer !== this.dealer) continue;
        this.log(`receive failed (${(e as Error).message}); continuing`, 'warn');
        continue;
      }
      const bytes = frames.reduce((a, f) => a + f.byteLength, 0);
      this.options.metrics?.bytesReceived.inc({ peer: 'coordinator' }, bytes);
      const decoded = frames.length === 1 ? decodeFrame(frames[0], { maxBytes }) : undefined;
      if (decoded === undefined || !decoded.ok) {
        const reason = decoded === undefined ? 'parts' : decoded.reason;
        this.options.metrics?.malformedFrames.inc({ reason });
        this.log(
          `dropped a frame from the coordinator (${decoded === undefined ? 'wrong number of parts' : decoded.detail})`,
        );
        continue;
      }
      try {
        this.handle(decoded.msg);
      } catch (e) {
        this.log(`error handling '${decoded.msg.type}': ${(e as Error).stack ?? String(e)}`, 'error');
      }
    }
  }

  private handle(msg: Message): void {
    this.lastHeard = Date.now();
    switch (msg.type) {
      case 'welcome':
        if (!this.welcomed) this.log(`admitted by ${msg.coordinatorId}`);
        this.welcomed = true;
        this.coordinatorLeft = false;
        this.helloBackoff = HELLO_BACKOFF_MIN_MS;
        this.heartbeatMs = msg.heartbeatMs;
        return;
      case 'heartbeat':
        return;
      case 'error':
        if (msg.code === 'hello_required') {
          if (this.welcomed) this.log('the coordinator does not know this worker (restarted?); saying hello again');
          this.welcomed = false;
          this.dropReplicas();
          if (Date.now() >= this.nextHelloAt) this.sendHello();
        } else if (msg.code === 'rejected') {
          // Refused at hello (a duplicate --id, or refused for a while): said once in a while, hello retried.
          this.notes.write('rejected', `the coordinator refuses this worker: ${msg.message}`);
        } else {
          this.log(`coordinator reports ${msg.code}: ${msg.message}`, 'warn');
        }
        return;
      case 'bye':
        this.log(`coordinator said bye (${msg.reason})`);
        this.welcomed = false;
        this.coordinatorLeft = true;
        this.dropReplicas();
        // Nobody waits for the trials still running: stop them (their folders have no one to go to).
        this.stopTrials([...this.trialStops.keys()], 'the coordinator left');
        if (this.options.exitOnBye === true) void this.stop('coordinator finished');
        return;
      case 'assign':
        this.enqueue(() => this.assign(msg));
        return;
      case 'evaluate':
        this.busy++;
        this.enqueue(() => this.evaluate(msg)).finally(() => this.busy--);
        return;
      case 'release':
        this.enqueue(async () => {
          this.replicas.delete(msg.runId);
        });
        return;
      case 'train': {
        const training = this.train(msg);
        this.training.add(training);
        void training.finally(() => this.training.delete(training));
        return;
      }
      case 'stop':
        this.stopTrials(msg.trialIds, msg.reason);
        return;
      default:
        this.log(`ignoring '${msg.type}' (not a coordinator message)`);
    }
  }

  /** Asks trials running here to checkpoint at their next step; `train` then sends their folders back. */
  private stopTrials(trialIds: readonly string[], reason: string): void {
    for (const id of trialIds) {
      const stop = this.trialStops.get(id);
      if (stop === undefined || stop.signal.aborted) continue;
      this.log(`stopping trial ${id} at its next step (${reason})`);
      stop.abort();
    }
  }

  private dropReplicas(): void {
    this.replicas.clear();
    this.session = randomUUID();
  }

  /** Shard work runs one message at a time, in arrival order (assign before the evaluates that need it). */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.work.then(job, job);
    this.work = next.catch(() => {});
    return next;
  }

  private async assign(msg: AssignRunMessage): Promise<void> {
    const key = specKey(msg.spec);
    const replica = (async (): Promise<Replica> => {
      const ctx = await buildRunContext(msg.spec, { evaluate: false });
      return { key, replica: new RunReplica(ctx, msg.snapshot, true) };
    })();
    this.replicas.set(msg.runId, replica);
    try {
      await replica;
      this.log(
        `holds run ${msg.runId} from generation ${msg.snapshot?.generation ?? 0}${msg.snapshot === null ? ' (rebuilt from the seed)' : ' (snapshot)'}`,
      );
    } catch (e) {
      this.replicas.delete(msg.runId);
      this.send({
        type: 'error',
        code: 'unknown_run',
        message: `cannot hold run ${msg.runId}: ${(e as Error).message}`,
        ref: msg.runId,
      });
    }
  }

  private async evaluate(msg: EvaluateShardMessage): Promise<void> {
    const ref = String(msg.shardId);
    const pending = this.replicas.get(msg.runId);
    if (pending === undefined) {
      this.send({ type: 'error', code: 'unknown_run', message: `no replica of run ${msg.runId}`, ref });
      return;
    }
    try {
      const { key, replica } = await pending;
      const state = replica.advance(msg.tells, msg.generation);
      const t0 = performance.now();
      const { fitness } = await this.pool.run(replica.ctx.spec, key, state, msg.start, msg.end);
      const seconds = (performance.now() - t0) / 1000;
      this.options.metrics?.evaluations.inc({ run: msg.runId, worker: this.workerId }, msg.end - msg.start);
      this.options.metrics?.shardLatency.observe({ worker: this.workerId }, seconds);
      if (seconds > 0)
        this.options.metrics?.evaluationsPerSecond.set(
          { run: msg.runId, worker: this.workerId },
          (msg.end - msg.start) / seconds,
        );
      this.send({
        type: 'result',
        runId: msg.runId,
        shardId: msg.shardId,
        generation: msg.generation,
        start: msg.start,
        end: msg.end,
        fitness,
        computeSeconds: seconds,
      });
    } catch (e) {
      this.replicas.delete(msg.runId);
      this.send({ type: 'error', code: 'evaluation_failed', message: (e as Error).message, ref });
    }
  }

  private async train(msg: TrainTrialMessage): Promise<void> {
    const runner = this.options.trialRunner;
    if (runner === undefined) {
      this.send({ type: 'error', code: 'trial_failed', message: 'this worker does not run trials', ref: msg.trialId });
      return;
    }
    if (this.stopping !== undefined) {
      // Crossed the stop on the wire: the bye that follows makes the coordinator give the trial to another worker.
      this.log(`not starting trial ${msg.trialId}: this worker is stopping`);
      return;
    }
    this.busy++;
    const stop = new AbortController();
    this.trialStops.set(msg.trialId, stop);
    try {
      const done = await runner.run(
        msg,
        (p) => {
          this.send({
            type: 'progress',
            trialId: msg.trialId,
            done: p.done,
            total: p.total,
            ...(p.loss !== undefined ? { loss: p.loss } : {}),
          });
          if (p.loss !== undefined) this.options.metrics?.sgdLoss.set({ trial: msg.trialId }, p.loss);
        },
        stop.signal,
      );
      if ('stoppedAt' in done && this.coordinatorLeft) {
        // Nobody waits for it any more (and the socket would hand it to the next coordinator, which never asked).
        this.log(`trial ${msg.trialId} stopped at step ${done.stoppedAt}; its coordinator has left, folder dropped`);
      } else if ('stoppedAt' in done) {
        this.log(`trial ${msg.trialId} stopped at step ${done.stoppedAt}; its checkpoint goes back to the coordinator`);
        this.send({ type: 'trial_stopped', trialId: msg.trialId, step: done.stoppedAt, files: done.files });
      } else {
        this.send({ type: 'trial_done', trialId: msg.trialId, summary: done.summary, files: done.files });
      }
    } catch (e) {
      this.log(`trial ${msg.trialId} failed: ${(e as Error).message}`);
      this.send({ type: 'error', code: 'trial_failed', message: (e as Error).message, ref: msg.trialId });
    } finally {
      // A worker serves trials for ever: keeping each finished trial's series would grow without bound.
      this.options.metrics?.sgdLoss.remove({ trial: msg.trialId });
      if (this.trialStops.get(msg.trialId) === stop) this.trialStops.delete(msg.trialId);
      this.busy--;
    }
  }

  /**
   * Stops its trials at their next step and sends their checkpoints back (waiting TRIAL_STOP_WAIT_MS at most), says
   * bye, stops the threads and closes the socket.
   */
  stop(reason = 'worker shutting down'): Promise<void> {
    // A signal and the coordinator's bye may both ask: one stop.
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.stopped) return;
    if (this.training.size > 0) {
      this.stopTrials([...this.trialStops.keys()], reason);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.training]),
        new Promise((r) => (timer = setTimeout(r, TRIAL_STOP_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    this.send({ type: 'bye', reason });
    await Promise.race([this.queue.flush(), new Promise((r) => setTimeout(r, 300))]);
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.dealer.close();
    await this.loop?.catch(() => {});
    await this.pool.close();
    await this.options.trialRunner?.close();
    this.resolveDone();
  }
}
