/**
 * A hand-driven peer on a real DEALER socket, for the hostile-network tests: it says hello as a worker would and
 * then behaves as told (answers with made-up values, stalls, or sends raw frames), saying hello again whenever
 * it is dropped or refused, as an attacker or a buggy worker would.
 */
import { randomUUID } from 'node:crypto';
import { Dealer } from 'zeromq';
import {
  decodeFrame,
  encodeMessage,
  type EvaluateShardMessage,
  type Message,
} from '../../../src/shared/protocol/index.js';

export interface FakePeerOptions {
  readonly endpoint: string;
  readonly workerId: string;
  /** ZeroMQ routing id (default: ZeroMQ picks one). */
  readonly routingId?: string;
  /** Fitness values to answer a shard with; undefined: never answer (a stall). */
  readonly answer?: (msg: EvaluateShardMessage) => Float64Array | Float32Array;
  /** Say hello again when dropped or refused (default true). */
  readonly persistent?: boolean;
  readonly heartbeatMs?: number;
}

export class FakePeer {
  readonly dealer: Dealer;
  /** Messages received, by type, and the `error` messages themselves. */
  readonly received: Record<string, number> = {};
  readonly errors: string[] = [];
  private session = randomUUID();
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly loop: Promise<void>;

  constructor(private readonly options: FakePeerOptions) {
    this.dealer = new Dealer({
      linger: 0,
      sendHighWaterMark: 100_000,
      ...(options.routingId !== undefined ? { routingId: options.routingId } : {}),
    });
    this.dealer.connect(options.endpoint);
    this.hello();
    this.timer = setInterval(
      () => this.send({ type: 'heartbeat', sentAt: Date.now(), busy: 0 }),
      options.heartbeatMs ?? 200,
    );
    this.loop = this.receive();
  }

  get welcomes(): number {
    return this.received.welcome ?? 0;
  }

  hello(): void {
    this.send({
      type: 'hello',
      workerId: this.options.workerId,
      role: 'evaluator',
      backend: 'cpu',
      threads: 1,
      software: 'fake-peer',
      session: this.session,
    });
  }

  send(msg: Message): void {
    if (this.closed) return;
    this.raw(encodeMessage(msg));
  }

  /** Sends raw frames (one ZeroMQ message part each). */
  raw(...parts: Uint8Array[]): void {
    if (this.closed) return;
    this.dealer.send(parts).catch(() => {});
  }

  private async receive(): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await this.dealer.receive();
      } catch {
        return;
      }
      const d = decodeFrame(frames[0]);
      if (!d.ok) continue;
      const msg = d.msg;
      this.received[msg.type] = (this.received[msg.type] ?? 0) + 1;
      if (msg.type === 'error') {
        this.errors.push(`${msg.code}: ${msg.message}`);
        if (this.options.persistent !== false && (msg.code === 'hello_required' || msg.code === 'rejected')) {
          this.session = randomUUID();
          setTimeout(() => this.hello(), 100);
        }
      }
      if (msg.type === 'evaluate' && this.options.answer !== undefined) {
        this.send({
          type: 'result',
          runId: msg.runId,
          shardId: msg.shardId,
          generation: msg.generation,
          start: msg.start,
          end: msg.end,
          fitness: this.options.answer(msg),
          computeSeconds: 0.001,
        });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.dealer.close();
    await this.loop;
  }
}
