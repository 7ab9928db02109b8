/**
 * A coordinator must shrug off garbage: 10 000 random, truncated, oversized, multi-part and wrong-version
 * frames are each counted in evoscale_malformed_frames_total, and the coordinator then admits a worker and
 * completes a run as if nothing happened.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import { Dealer } from 'zeromq';
import { encodeMessage } from '../../src/shared/protocol/index.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

const FRAMES = 10_000;
const MAX_FRAME = 64 * 1024;

/** Deterministic xorshift32 bytes, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The i-th bad frame (as the parts of one ZeroMQ message). */
function badFrame(i: number, next: () => number): Uint8Array[] {
  const valid = encodeMessage({
    type: 'result',
    runId: 'r',
    shardId: i,
    generation: 0,
    start: 0,
    end: 4,
    fitness: new Float32Array(4),
    computeSeconds: 0,
  });
  switch (i % 6) {
    case 0:
    case 1: {
      const n = next() % 300;
      return [Uint8Array.from({ length: n }, () => next() & 255)];
    }
    case 2:
      return [valid.subarray(0, next() % valid.length)];
    case 3:
      return [
        new Packr({ useRecords: false }).pack({
          v: 2,
          type: 'hello',
          workerId: 'future',
          role: 'evaluator',
          backend: 'cpu',
          threads: 1,
          software: 'x',
        }),
      ];
    case 4:
      return i % 60 === 4 ? [new Uint8Array(MAX_FRAME + 1 + (next() % 1000))] : [valid, valid];
    default:
      return [
        new Packr({ useRecords: false }).pack({ v: 1, type: 'result', runId: '../etc', shardId: -1, fitness: 'x' }),
      ];
  }
}

async function metricValue(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').pop());
  return sum;
}

describe('malformed frames', () => {
  const dir = tempDir('fuzz');
  const procs: Proc[] = [];
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('10 000 bad frames are counted and dropped, and the coordinator keeps serving', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const metricsPort = await freePort();
    const spec = rolloutSpec({ runId: 'after-fuzz', generations: 3 });
    const out = join(dir.path, 'out');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      endpoint,
      '--metrics-port',
      String(metricsPort),
      '--max-frame-bytes',
      String(MAX_FRAME),
      '--placement',
      'cluster',
    ]);
    procs.push(coordinator);
    await waitFor('the metrics endpoint', () => /metrics on/.test(coordinator.stderr()));
    await waitFor('the coordinator to listen', () => /listening on/.test(coordinator.stderr()));

    const fuzzer = new Dealer({ linger: 0, sendHighWaterMark: 100_000 });
    fuzzer.connect(endpoint);
    const next = rng(12345);
    for (let i = 0; i < FRAMES; i++) await fuzzer.send(badFrame(i, next));
    // Poll the counter until the coordinator has read everything (or give up after 30 s).
    const counted = await (async () => {
      const t0 = Date.now();
      for (;;) {
        const v = await metricValue(metricsPort, 'evoscale_malformed_frames_total');
        if (v >= FRAMES || Date.now() - t0 > 30_000) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    fuzzer.close();
    assert.equal(counted, FRAMES);

    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--exit-on-bye']);
    procs.push(worker);
    await expectSuccess(coordinator, 'coordinator after the fuzzing');
    const summary = JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile;
    assert.equal(summary.generations, spec.generations);
    assert.equal(summary.generationsSharded, spec.generations);
  });
});
