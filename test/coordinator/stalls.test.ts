/**
 * Stalls cost little: a peer that heartbeats but never answers, and says hello again after every drop, holds at
 * most a couple of shards per admission. Its shards are copied to the honest worker once they are late by its
 * throughput (speculative re-dispatch, first answer wins), it is dropped when they time out and refused for a
 * growing while when it comes back, and the run ends with the undisturbed SHA-256.
 *
 * Bounds are asserted on counts, not on wall-clock (the machine is shared): the staller is admitted at most a few
 * times (the refusals double: 10 s, 20 s, …), and each admission costs at most two backup copies (the shards it
 * holds). Times are printed for the record.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe } from '../../src/coordinator/ne_run.js';
import { FakePeer } from './helpers/fake_peer.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

// Long enough that the staller's first shard times out (at least TIMEOUT_MIN_SECONDS) before the run ends, even on
// a fast, idle machine; a loaded one only takes longer.
const spec = rolloutSpec({ runId: 'stalled', generations: 600 });
const dir = tempDir('stalls');
const procs: Proc[] = [];
const peers: FakePeer[] = [];
let referenceSha: string;

interface Line {
  generation: number;
  speculative?: number;
  redispatched: number;
  wallSeconds: number;
}

function lines(out: string): Line[] {
  const path = join(out, 'ne', spec.runId, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

describe('stalling peers', () => {
  before(async () => {
    referenceSha = (await runNe(spec, { placement: 'local' })).paramsSha256;
  });
  after(async () => {
    killAll(procs);
    for (const p of peers) await p.close();
    dir.remove();
  });

  it('a peer that heartbeats but never answers costs a few backup copies, not the run', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const out = join(dir.path, 'out');
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      out,
      '--bind',
      endpoint,
      '--min-workers',
      '2',
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    await waitFor('the coordinator to listen', () => /listening on/.test(coordinator.stderr()));
    const staller = new FakePeer({ endpoint, workerId: 'staller' });
    peers.push(staller);
    await waitFor('the staller to be admitted', () => staller.welcomes > 0);
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'honest', '--exit-on-bye']);
    procs.push(worker);
    await expectSuccess(coordinator, 'coordinator');
    const log = coordinator.stderr();
    const summary = JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile & {
      wallSeconds: number;
    };
    assert.equal(summary.paramsSha256, referenceSha);
    const records = lines(out);
    const copies = records.reduce((a, l) => a + (l.speculative ?? 0), 0);
    const admissions = staller.welcomes;
    const evictions = (log.match(/evicted worker staller .*\(timeout\)|evicted worker staller/g) ?? []).length;
    const refusedHellos = staller.errors.filter((e) => /is refused for another/.test(e)).length;
    const slowGenerations = records.filter((l) => (l.speculative ?? 0) > 0 || l.redispatched > 0).length;
    process.stdout.write(
      `# stall: run ${summary.wallSeconds.toFixed(2)} s, ${admissions} admissions of the staller, ${copies} backup copies, ` +
        `${slowGenerations} of ${records.length} generations touched, ${refusedHellos} refused hellos\n`,
    );
    assert.ok(copies >= 1, 'the staller’s shards were copied to the honest worker');
    assert.ok(
      copies <= 2 * admissions,
      `${copies} copies for ${admissions} admissions: at most the 2 shards it holds each time`,
    );
    // Each admission costs an eviction (at least 10 s) and the refusals double (10 s, 20 s, 40 s, …): after n admissions
    // the run has lasted at least 10·(n − 1) + 10·(2^(n−1) − 1) s, so n grows with the log of the run's length.
    const allowed = 2 + Math.log2(1 + summary.wallSeconds / 10);
    assert.ok(admissions <= allowed, `admitted ${admissions} times in ${summary.wallSeconds} s: refusals grow`);
    assert.ok(slowGenerations <= 2 * admissions, `${slowGenerations} generations waited on the staller`);
    assert.match(
      log,
      /evicted worker staller \(peer [0-9a-f]{8}\): (shard \d+ .*unanswered after|no result for shard)/,
    );
    assert.ok(evictions >= 1);
    assert.ok(refusedHellos >= 1, 'the staller was refused when it came back');
    await expectSuccess(worker, 'worker (--exit-on-bye)');
  });
});
