/**
 * Identity that cannot be stolen: the ROUTER never hands a live routing id to a second connection, a hello that
 * claims a connected worker's id from another connection is refused with a message saying what to do, two workers
 * started with the same --id do not orphan each other (the second is told, and both exit on bye), and a worker
 * whose pipe goes quiet comes back on a fresh socket; every run ends with the undisturbed SHA-256.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Dealer } from 'zeromq';
import { runNe } from '../../src/coordinator/ne_run.js';
import { CoordinatorServer } from '../../src/coordinator/transport/server.js';
import { decodeFrame, encodeMessage, type Message } from '../../src/shared/protocol/index.js';
import { FakePeer } from './helpers/fake_peer.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

const spec = rolloutSpec({ runId: 'identity', generations: 12 });
const dir = tempDir('identity');
const procs: Proc[] = [];
const peers: FakePeer[] = [];
let referenceSha: string;

function summarySha(out: string): string {
  return (JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile).paramsSha256;
}

function hello(workerId: string, session: string): Message {
  return { type: 'hello', workerId, role: 'evaluator', backend: 'cpu', threads: 1, software: 't', session };
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

describe('worker identity', () => {
  before(async () => {
    referenceSha = (await runNe(spec, { placement: 'local' })).paramsSha256;
  });
  after(async () => {
    killAll(procs);
    for (const p of peers) await p.close();
    dir.remove();
  });

  it('a second connection with a live routing id is refused by the socket: the first keeps its pipe', async () => {
    const server = new CoordinatorServer({ bind: 'tcp://127.0.0.1:*', heartbeatMs: 100, missedHeartbeats: 50 });
    await server.start();
    const first = new Dealer({ routingId: 'victim', linger: 0 });
    const thief = new Dealer({ routingId: 'victim', linger: 0 });
    try {
      first.connect(server.endpoint);
      await first.send(encodeMessage(hello('victim', 'session-a')));
      assert.equal((await nextMessage(first, 10_000))?.type, 'welcome');
      thief.connect(server.endpoint);
      await thief.send(encodeMessage(hello('victim', 'session-b'))).catch(() => {});
      assert.equal(await nextMessage(thief, 1500), undefined, 'the thief hears nothing');
      // The victim's pipe still works: heartbeats come to it, and it is still the admitted worker.
      for (;;) {
        const m = await nextMessage(first, 5000);
        assert.ok(m !== undefined, 'the victim still hears the coordinator');
        if (m.type === 'heartbeat') break;
      }
      assert.deepEqual(
        server.connected().map((w) => w.id),
        ['victim'],
      );
    } finally {
      first.close();
      thief.close();
      await server.close();
    }
  });

  it('a peer claiming a live worker’s id does not freeze the run, and is told why it is refused', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'claim');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      endpoint,
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'real', '--exit-on-bye']);
    procs.push(worker);
    await waitFor('the worker to be admitted', () => /worker real joined/.test(coordinator.stderr()), 60_000);
    // Paused while the thief connects, so the run cannot finish before the thief's hello arrives.
    coordinator.child.kill('SIGSTOP');
    // The old attack: the worker's id (once readable from metrics labels) as routing id, hello, then silence.
    const thief = new FakePeer({ endpoint, workerId: 'real', routingId: 'real', persistent: false });
    peers.push(thief);
    await new Promise((r) => setTimeout(r, 300));
    coordinator.child.kill('SIGCONT');
    await waitFor('the thief to be refused', () => thief.errors.length > 0);
    assert.match(thief.errors[0], /rejected: worker id 'real' is already connected .*give each worker its own --id/);
    await thief.close();
    await expectSuccess(coordinator, 'coordinator');
    assert.equal(summarySha(out), referenceSha);
    await expectSuccess(worker, 'worker (--exit-on-bye)');
  });

  it('two workers started with the same --id: the second is told, neither is orphaned, both exit on bye', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'twins');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      endpoint,
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    const args = ['worker', '--connect', endpoint, '--threads', '1', '--id', 'twin', '--exit-on-bye'];
    const a = spawnCli(args);
    procs.push(a);
    await waitFor('the first twin to be admitted', () => /worker twin joined/.test(coordinator.stderr()), 60_000);
    // Paused while the second twin starts, so the run cannot finish before its hello arrives.
    coordinator.child.kill('SIGSTOP');
    const b = spawnCli(args);
    procs.push(b);
    await waitFor('the second twin to start', () => /connecting to/.test(b.stderr()), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    coordinator.child.kill('SIGCONT');
    await expectSuccess(coordinator, 'coordinator');
    assert.equal(summarySha(out), referenceSha);
    await expectSuccess(a, 'first twin (--exit-on-bye)', 30_000);
    await expectSuccess(b, 'second twin (--exit-on-bye)', 30_000);
    assert.match(b.stderr(), /the coordinator refuses this worker: worker id 'twin' is already connected/);
  });

  it('a worker whose pipe goes quiet reconnects on a fresh socket and the run finishes undisturbed', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'quiet');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      endpoint,
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
      '--missed-heartbeats',
      '50',
    ]);
    procs.push(coordinator);
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'quiet', '--exit-on-bye']);
    procs.push(worker);
    await waitFor('the worker to be admitted', () => /worker quiet joined/.test(coordinator.stderr()), 60_000);
    // The coordinator stops answering (its socket stays open): the worker must not wait on that pipe for ever.
    coordinator.child.kill('SIGSTOP');
    await waitFor(
      'the worker to reconnect on a fresh socket',
      () => /reconnecting on a fresh socket/.test(worker.stderr()),
      60_000,
    );
    coordinator.child.kill('SIGCONT');
    await expectSuccess(coordinator, 'coordinator');
    assert.equal(summarySha(out), referenceSha);
    await expectSuccess(worker, 'worker (--exit-on-bye)');
  });
});
