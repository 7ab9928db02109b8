/**
 * One frame must not kill the coordinator: while a real run goes on, peers send the 64 MiB frame holding a msgpack
 * array of 67 million empty maps (once 5.1 GB of RSS and a crash), nesting bombs a million levels deep, a bomb from
 * an admitted peer inside a result-sized frame, and a flood of junk. Every one is refused before msgpackr builds
 * an object, repeat offenders are refused unread, the run finishes with the undisturbed SHA-256, and the
 * coordinator's peak RSS stays under RSS_CAP_BYTES (documented in docs/THREAT_MODEL.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Dealer } from 'zeromq';
import { runNe } from '../../src/coordinator/ne_run.js';
import { FakePeer } from './helpers/fake_peer.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

/** Peak resident memory allowed to a coordinator under this attack (a 64 MiB frame is held twice at most). */
export const RSS_CAP_BYTES = 512 * 1024 * 1024;

const spec = rolloutSpec({ runId: 'hostile', generations: 16 });
const dir = tempDir('hostile');
const procs: Proc[] = [];
const peers: FakePeer[] = [];
let referenceSha: string;

function emptyMaps(bytes: number): Uint8Array {
  const frame = new Uint8Array(bytes).fill(0x80);
  frame[0] = 0xdd;
  new DataView(frame.buffer).setUint32(1, bytes - 5);
  return frame;
}

function nested(levels: number, open: number): Uint8Array {
  const frame = new Uint8Array(levels + 1).fill(open);
  frame[levels] = 0xc0;
  return frame;
}

/** Peak resident set (VmHWM) of a process so far, in bytes (Linux); 0 once it has exited. */
function peakRss(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb === null ? 0 : Number(kb[1]) * 1024;
  } catch {
    return 0;
  }
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').pop());
  return sum;
}

describe('hostile frames', () => {
  before(async () => {
    referenceSha = (await runNe(spec, { placement: 'local' })).paramsSha256;
  });
  after(async () => {
    killAll(procs);
    for (const p of peers) await p.close();
    dir.remove();
  });

  it('bombs and floods are refused unread while a run finishes bit-identically, in bounded memory', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const metricsPort = await freePort();
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
      '--min-workers',
      '1',
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    await waitFor('the coordinator to listen', () => /listening on/.test(coordinator.stderr()));
    const pid = coordinator.child.pid as number;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRss(pid))), 100);

    // Strangers: each bomb from its own connection, so every one reaches the decoder.
    const strangers: Dealer[] = [];
    const stranger = async (...frames: Uint8Array[]): Promise<void> => {
      const d = new Dealer({ linger: 2000, sendHighWaterMark: 100_000 });
      strangers.push(d);
      d.connect(endpoint);
      for (const f of frames) await d.send(f);
    };
    const bomb = emptyMaps(64 * 1024 * 1024);
    await stranger(bomb);
    await stranger(bomb);
    await stranger(nested(1_000_000, 0x91), nested(1_000_000, 0xdc));
    // A flood from one peer: after a few bad frames it is refused, and the rest are dropped unread.
    const flood = Array.from({ length: 5000 }, (_, i) => Uint8Array.from([0xc1, i & 255, 0x91, 0x91]));
    await stranger(...flood);
    // An admitted peer (no CURVE here) sends a bomb inside a frame no larger than a result it could send.
    const insider = new FakePeer({ endpoint, workerId: 'insider', persistent: false });
    peers.push(insider);
    await waitFor('the insider to be admitted', () => insider.welcomes > 0);
    insider.raw(nested(4000, 0x91));

    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'honest', '--exit-on-bye']);
    procs.push(worker);
    let refused = 0;
    let complex = 0;
    for (const t0 = Date.now(); refused < 5000 + 5 && Date.now() - t0 < 60_000;) {
      refused = await metric(metricsPort, 'evoscale_malformed_frames_total').catch(() => refused);
      complex = await metric(metricsPort, 'evoscale_malformed_frames_total{reason="too_complex"}').catch(() => complex);
      await new Promise((r) => setTimeout(r, 100));
    }
    await expectSuccess(coordinator, 'coordinator');
    clearInterval(sampler);
    for (const d of strangers) d.close();
    process.stdout.write(
      `# hostile frames: ${refused} frames refused, coordinator peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB\n`,
    );
    assert.ok(refused >= 5000 + 5, `${refused} frames refused`);
    assert.ok(peak > 0 && peak < RSS_CAP_BYTES, `peak RSS ${peak} bytes < cap ${RSS_CAP_BYTES}`);
    const log = coordinator.stderr();
    // The log is rate-limited per kind, so the first refused frame's reason is the one named: the flood's or one of the
    // bombs', whichever the coordinator read first (the metric above counts the bombs).
    assert.match(log, /refused a frame from peer [0-9a-f]{8}: (too_complex|undecodable): /);
    // Two empty-map bombs, two nesting bombs and the insider's: each refused before decoding.
    assert.ok(complex >= 5, `${complex} frames refused as too complex`);
    assert.match(log, /evicted worker insider \(peer [0-9a-f]{8}\): sent a bad frame \(too_complex/);
    assert.match(log, /refusing peer [0-9a-f]{8} for 10 s after repeated bad frames/);
    // Rate-limited (one line per kind per 5 s): thousands of bad frames, a handful of lines.
    const lines = log.split('\n').filter((l) => /refused a frame from/.test(l)).length;
    assert.ok(lines <= 20, `${lines} log lines about refused frames`);
    const summary = JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile;
    assert.equal(summary.paramsSha256, referenceSha);
    await expectSuccess(worker, 'worker (--exit-on-bye)');
  });
});
