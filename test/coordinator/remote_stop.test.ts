/**
 * The `stop` / `trial_stopped` exchange at its edges. A coordinator refuses a stopped-trial folder from a peer it
 * gave no trial (too large for that peer) and a `stop` from a worker (a coordinator's message), evicting the sender.
 * A worker told to stop whose coordinator leaves before the folder arrives drops the folder and stays healthy: with
 * --exit-on-bye it exits, without it serves the next coordinator, whose trials run to their end.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Dealer, Router } from 'zeromq';
import { CoordinatorServer } from '../../src/coordinator/transport/server.js';
import { WorkerClient } from '../../src/cluster/worker/client.js';
import { createTrialRunner } from '../../src/cluster/worker/trial_runner.js';
import { EXP2_DEFAULTS, planExp2 } from '../../src/experiments/exp2.js';
import {
  decodeFrame,
  encodeMessage,
  type JsonObject,
  type Message,
  type MessageType,
} from '../../src/shared/protocol/index.js';
import { freePort, tempDir, waitFor } from './helpers/procs.js';

const dir = tempDir('remote-stop');
after(() => dir.remove());
// The trial threads generate the built-in dataset once, into this cache.
process.env.EVOSCALE_CACHE = join(dir.path, 'cache');

function hello(workerId: string): Message {
  return { type: 'hello', workerId, role: 'sgd', backend: 'cpu', threads: 1, software: 't', session: `s-${workerId}` };
}

async function nextMessage(dealer: Dealer, timeoutMs: number): Promise<Message | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const frames = await Promise.race([
    dealer.receive(),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (frames === undefined) return undefined;
  const d = decodeFrame(frames[0]);
  return d.ok ? d.msg : undefined;
}

describe('a coordinator refuses stop messages that are not a worker’s to send', () => {
  it('a trial_stopped for no trial given, and a stop from a worker, are refused and the sender evicted', async () => {
    const server = new CoordinatorServer({ bind: 'tcp://127.0.0.1:*', heartbeatMs: 100, missedHeartbeats: 50 });
    await server.start();
    const first = new Dealer({ linger: 0 });
    const second = new Dealer({ linger: 0 });
    try {
      first.connect(server.endpoint);
      await first.send(encodeMessage(hello('w1')));
      assert.equal((await nextMessage(first, 10_000))?.type, 'welcome');
      // A folder of 64 KiB for a trial this peer was never given: it would be written into a trial's folder.
      const files = { 'checkpoints/latest.msgpack': new Uint8Array(65_536) };
      await first.send(encodeMessage({ type: 'trial_stopped', trialId: 't1', step: 5, files }));
      await waitFor('the folder to be refused', () => server.rejected.too_large === 1, 10_000);
      await waitFor('w1 to be evicted', () => server.connected().every((w) => w.id !== 'w1'), 10_000);

      second.connect(server.endpoint);
      await second.send(encodeMessage(hello('w2')));
      assert.equal((await nextMessage(second, 10_000))?.type, 'welcome');
      await second.send(encodeMessage({ type: 'stop', trialIds: ['t1'], reason: 'a worker cannot stop trials' }));
      await waitFor('w2 to be evicted', () => server.connected().length === 0, 10_000);
      assert.equal(server.rejected.invalid, 1, 'the stop was refused as a message a worker may not send');
      assert.equal(server.evicted.malformed, 2);
    } finally {
      first.close();
      second.close();
      await server.close();
    }
  });
});

/** A coordinator driven by hand: admits one worker, records what it sends, and sends what the test says. */
class HandCoordinator {
  // Closing waits for what was sent (a stop and a bye just before leaving) to go out, as a coordinator's close does.
  private readonly router = new Router({ linger: 2000 });
  private identity: Buffer | undefined;
  private closed = false;
  readonly received: Message[] = [];

  private constructor(readonly endpoint: string) {}

  static async bind(endpoint: string): Promise<HandCoordinator> {
    const c = new HandCoordinator(endpoint);
    // The previous coordinator on this endpoint may still be letting its last messages out.
    for (let tries = 0; ; tries++) {
      try {
        await c.router.bind(endpoint);
        break;
      } catch (e) {
        if (tries >= 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    void c.loop();
    return c;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await this.router.receive();
      } catch {
        return;
      }
      const d = decodeFrame(frames[1]);
      if (!d.ok) continue;
      this.received.push(d.msg);
      if (d.msg.type === 'hello') {
        this.identity = frames[0];
        // A long heartbeat: this coordinator never sends one, and the worker must not give up on it meanwhile.
        void this.send({ type: 'welcome', workerId: d.msg.workerId, coordinatorId: 'hand', heartbeatMs: 60_000 });
      }
    }
  }

  send(msg: Message): Promise<void> {
    if (this.identity === undefined) throw new Error('no worker has said hello');
    return this.router.send([this.identity, encodeMessage(msg)]);
  }

  got(type: MessageType): Message | undefined {
    return this.received.find((m) => m.type === type);
  }

  close(): void {
    this.closed = true;
    this.router.close();
  }
}

/** An SGD trial of experiment 2 with `steps` steps. */
function trial(steps: number): { id: string; spec: JsonObject } {
  const [spec] = planExp2({
    ...EXP2_DEFAULTS,
    methods: ['sgd'],
    fractions: [0.3],
    sgdSteps: steps,
    datasetSteps: 20_000,
    evalPoints: 4,
  });
  return { id: spec.id, spec: JSON.parse(JSON.stringify(spec)) as JsonObject };
}

/** Starts a worker on `endpoint`; its log lines are collected. */
function startWorker(endpoint: string, exitOnBye: boolean): { client: WorkerClient; logs: string[] } {
  const logs: string[] = [];
  const client = new WorkerClient({
    connect: endpoint,
    role: 'sgd',
    threads: 1,
    trialRunner: createTrialRunner(1, 'cpu'),
    exitOnBye,
    log: (line) => logs.push(line),
  });
  client.start();
  return { client, logs };
}

/** Gives the worker a long trial, waits until it is under way, tells it to stop and leaves at once. */
async function stopAndLeave(coordinator: HandCoordinator, logs: string[]): Promise<string> {
  await waitFor('the worker to say hello', () => coordinator.got('hello'), 30_000);
  const long = trial(50_000_000);
  await coordinator.send({ type: 'train', trialId: long.id, trial: long.spec, files: {} });
  await waitFor('the trial to be under way', () => coordinator.got('progress'), 120_000);
  await coordinator.send({ type: 'stop', trialIds: [long.id], reason: 'the coordinator is stopping' });
  await coordinator.send({ type: 'bye', reason: 'coordinator shutting down' });
  // Gone before the folder can arrive.
  coordinator.close();
  const stopped = await waitFor(
    'the trial to stop',
    () => logs.find((l) => l.includes(`trial ${long.id} stopped at step`)),
    60_000,
  ).catch((e: Error) => assert.fail(`${e.message}\n${logs.join('\n')}`));
  assert.match(stopped, /its coordinator has left, folder dropped/);
  return long.id;
}

describe('a worker whose coordinator leaves before the stopped trial’s folder arrives', () => {
  it('with --exit-on-bye: stops the trial at its next step, drops the folder and exits', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const coordinator = await HandCoordinator.bind(endpoint);
    const { client, logs } = startWorker(endpoint, true);
    await stopAndLeave(coordinator, logs);
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      client.done.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), 30_000))),
    ]);
    clearTimeout(timer);
    if (!exited) await client.stop();
    assert.ok(exited, `the worker exits on bye\n${logs.join('\n')}`);
    assert.ok(!logs.some((l) => /failed/.test(l)), logs.join('\n'));
  });

  it('without it: stays healthy and runs the next coordinator’s trial to its end', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const first = await HandCoordinator.bind(endpoint);
    const { client, logs } = startWorker(endpoint, false);
    try {
      await stopAndLeave(first, logs);
      const next = await HandCoordinator.bind(endpoint);
      try {
        await waitFor('the worker to come to the next coordinator', () => next.got('hello'), 60_000).catch((e: Error) =>
          assert.fail(`${e.message}\n${logs.join('\n')}`),
        );
        const short = trial(2000);
        await next.send({ type: 'train', trialId: short.id, trial: short.spec, files: {} });
        const answer = await waitFor(
          'the trial to end',
          () => next.received.find((m) => m.type === 'trial_done' || m.type === 'trial_stopped' || m.type === 'error'),
          120_000,
        );
        assert.equal(answer.type, 'trial_done', `${JSON.stringify(answer)}\n${logs.join('\n')}`);
        assert.ok(!logs.some((l) => /failed/.test(l)), logs.join('\n'));
      } finally {
        next.close();
      }
    } finally {
      await client.stop();
    }
  });
});
