/**
 * A coordinator keeps serving while it evaluates: with `--placement local` every generation runs on the
 * coordinator's own engine, yet /metrics, /healthz and a worker's hello/heartbeats are answered within a second
 * all along (the Kubernetes liveness probe and the workers' 5 s silence limit depend on it).
 *
 * What is asserted, and why it holds on a loaded machine: the bound is put on the coordinator's event loop, the one
 * thing that serves all of these, not on the wall time of a request (on this shared 2-core machine a busy neighbour
 * can delay any process's answer; one run measured /metrics at 1.3 s while the loop's worst delay was 0.17 s). So:
 * (1) the coordinator's own event-loop delay, prom-client's `nodejs_eventloop_lag_max_seconds` (the largest delay
 * since the previous scrape), stays under 1 s across every scrape taken during the run; (2) /metrics, /healthz and a
 * worker's hello are answered again and again while generations run (before the fix none was answered until the
 * run ended); the generations are made seconds long (a big population) so that (2) means something. The wall
 * times of the answers and the heartbeat gaps are printed as figures.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Dealer } from 'zeromq';
import { softwareVersion } from '../../src/cluster/net/version.js';
import { decodeFrame, encodeMessage, type Message } from '../../src/shared/protocol/index.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec } from './helpers/specs.js';

/** The spec's requirement: every probe is answered within this. */
const ANSWER_WITHIN_MS = 1000;

// About 2 s a generation on one thread of an idle 2-core machine, many more under load (4 000 CartPole policies ×
// 2 episodes of up to 500 steps).
const spec = rolloutSpec({
  runId: 'responsive',
  populationSize: 4000,
  model: { inputs: 4, hidden: [50], outputs: 2, activation: 'tanh' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2, maxSteps: 500 },
  generations: 4,
});
const dir = tempDir('responsive');
const procs: Proc[] = [];

function get(url: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

function eventLoopLagSeconds(metrics: string): number {
  const m = /^(?:evoscale_)?nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics);
  assert.ok(m !== null, 'the coordinator exports nodejs_eventloop_lag_max_seconds');
  return Number(m[1]);
}

describe('a coordinator evaluating locally keeps serving', () => {
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('answers /metrics, /healthz and a worker within 1 s during every generation', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const out = join(dir.path, 'out');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      `tcp://127.0.0.1:${port}`,
      '--placement',
      'local',
      '--min-workers',
      '0',
      '--metrics-port',
      String(metricsPort),
      '--heartbeat-ms',
      '250',
    ]);
    procs.push(coordinator);

    // A worker as the wire sees it: hello → welcome, heartbeats both ways; a repeated hello is answered again.
    // A send that cannot be queued fails (the coordinator is gone) instead of waiting for a peer forever.
    const dealer = new Dealer({ routingId: `probe-${randomUUID().slice(0, 6)}`, linger: 0, sendTimeout: 5000 });
    const session = randomUUID();
    const hello: Message = {
      type: 'hello',
      workerId: 'probe',
      role: 'sgd',
      backend: 'cpu',
      threads: 1,
      software: softwareVersion(),
      session,
    };
    dealer.connect(`tcp://127.0.0.1:${port}`);
    const welcomes: number[] = [];
    const heartbeats: number[] = [];
    let receiving = true;
    const receiver = (async () => {
      while (receiving) {
        let frames: Buffer[];
        try {
          frames = await dealer.receive();
        } catch {
          return;
        }
        const decoded = decodeFrame(frames[0], { maxBytes: 1 << 20 });
        if (!decoded.ok) continue;
        if (decoded.msg.type === 'welcome') welcomes.push(performance.now());
        if (decoded.msg.type === 'heartbeat') heartbeats.push(performance.now());
      }
    })();

    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    await waitFor('the metrics endpoint', () => coordinator.stderr().includes('metrics on'), 120_000);
    const helloTimes: number[] = [];
    const scrapeTimes: number[] = [];
    const healthTimes: number[] = [];
    const lags: number[] = [];
    const metricsFile = join(out, 'ne', spec.runId, 'metrics.jsonl');
    const generationsDone = (): number =>
      existsSync(metricsFile)
        ? readFileSync(metricsFile, 'utf8')
            .split('\n')
            .filter((l) => l !== '').length
        : 0;
    let probesDuringRun = 0;
    while (coordinator.child.exitCode === null && generationsDone() < spec.generations) {
      const sent = performance.now();
      const before = welcomes.length;
      await dealer.send(encodeMessage(hello));
      await dealer.send(encodeMessage({ type: 'heartbeat', sentAt: Date.now(), busy: 0 }));
      const scrape = await get(metricsUrl);
      assert.equal(scrape.status, 200);
      scrapeTimes.push(scrape.ms);
      lags.push(eventLoopLagSeconds(scrape.body));
      const health = await get(`http://127.0.0.1:${metricsPort}/healthz`);
      assert.equal(health.status, 200);
      healthTimes.push(health.ms);
      await waitFor('a welcome', () => welcomes.length > before, 30_000);
      helloTimes.push(welcomes[before] - sent);
      if (generationsDone() < spec.generations) probesDuringRun++;
      await new Promise((r) => setTimeout(r, 200));
    }
    await expectSuccess(coordinator, 'the coordinator');
    receiving = false;
    dealer.close();
    await receiver;

    const records = readFileSync(metricsFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { placement: string; wallSeconds: number });
    assert.ok(
      records.every((r) => r.placement === 'local'),
      'every generation ran on the coordinator itself',
    );
    const longest = Math.max(...records.map((r) => r.wallSeconds));
    const worst = (xs: number[]): number => Math.max(...xs);
    // The first scrape's figure covers the process's start (module loading), before any generation.
    lags.shift();
    const gaps = heartbeats.slice(1).map((t, i) => t - heartbeats[i]);
    const figures =
      `/metrics ${worst(scrapeTimes).toFixed(0)} ms, /healthz ${worst(healthTimes).toFixed(0)} ms, ` +
      `hello→welcome ${worst(helloTimes).toFixed(0)} ms, heartbeat gap ${worst(gaps).toFixed(0)} ms, ` +
      `event-loop lag ${(worst(lags) * 1000).toFixed(0)} ms, longest generation ${longest.toFixed(2)} s`;
    process.stdout.write(`# worst of ${scrapeTimes.length} probes: ${figures}\n`);
    assert.ok(worst(lags) * 1000 < ANSWER_WITHIN_MS, `the coordinator's event loop never stalls 1 s: ${figures}`);
    // A loop that evaluated on its own thread would stall for a whole generation, however fast the machine: the
    // worst stall must be well under one generation too, so the check means something where generations are short.
    assert.ok(worst(lags) < longest / 2, `the event loop never stalls for a generation: ${figures}`);
    assert.ok(
      probesDuringRun >= 2 * spec.generations,
      `/metrics, /healthz and hello answered again and again while generations ran (${probesDuringRun} rounds): ${figures}`,
    );
    assert.ok(gaps.length >= spec.generations, `the coordinator kept sending heartbeats: ${figures}`);
  });

  it('re-admits a worker that gave up on a stalled coordinator, and the run finishes', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'stall');
    const stallSpec = rolloutSpec({ runId: 'stall', populationSize: 200, generations: 400 });
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, stallSpec, 'stall.json'),
      '--out',
      out,
      '--bind',
      endpoint,
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
      '--missed-heartbeats',
      '5',
    ]);
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--exit-on-bye']);
    procs.push(coordinator, worker);
    await waitFor('generations on the worker', () => coordinator.stderr().includes('generation 10 '), 240_000);
    // A stall longer than the worker's patience (5 heartbeats of 200 ms): the worker gives up and says hello again.
    coordinator.child.kill('SIGSTOP');
    await waitFor('the worker to give up', () => worker.stderr().includes('no word from the coordinator'), 60_000);
    coordinator.child.kill('SIGCONT');
    await waitFor('re-admission', () => worker.stderr().split('admitted by').length - 1 >= 2, 60_000);
    await expectSuccess(coordinator, 'the coordinator');
    await expectSuccess(worker, 'the worker');
    const records = readFileSync(join(out, 'ne', 'stall', 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { placement: string });
    assert.equal(records.length, stallSpec.generations);
    assert.ok(
      records.every((r) => r.placement === 'cluster'),
      'every generation ran on the re-admitted worker',
    );
  });
});
