/**
 * Results are checked, not trusted: admitted peers that answer their shards with NaN, with an impossible CartPole
 * return (1,000,000 > 500) or with plausible made-up values are evicted (the last by the audit, which re-evaluates
 * a sample of every new worker's first shards), and the run ends with the SHA-256 of an undisturbed run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNe } from '../../src/coordinator/ne_run.js';
import { FakePeer } from './helpers/fake_peer.js';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec, type RunSummaryFile } from './helpers/specs.js';

const spec = rolloutSpec({ runId: 'forged', generations: 10 });
const dir = tempDir('forged');
const procs: Proc[] = [];
const peers: FakePeer[] = [];
let reference: RunSummaryFile['fitnessHistory'];
let referenceSha: string;

describe('forged results', () => {
  before(async () => {
    const local = await runNe(spec, { placement: 'local' });
    referenceSha = local.paramsSha256;
    reference = local.fitnessHistory;
  });
  after(async () => {
    killAll(procs);
    for (const p of peers) await p.close();
    dir.remove();
  });

  it('peers answering NaN, impossible or made-up values are evicted and the run ends undisturbed', async () => {
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
      '4',
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    await waitFor('the coordinator to listen', () => /listening on/.test(coordinator.stderr()));
    const filled = (value: number) => (m: { start: number; end: number }) =>
      new Float64Array(m.end - m.start).fill(value);
    // A mean over two CartPole episodes is a whole or half number: x.25 is never a real value.
    peers.push(
      new FakePeer({ endpoint, workerId: 'forger-nan', answer: filled(NaN) }),
      new FakePeer({ endpoint, workerId: 'forger-huge', answer: filled(1_000_000) }),
      new FakePeer({ endpoint, workerId: 'forger-plausible', answer: filled(123.25) }),
    );
    await waitFor('the forgers to be admitted', () => peers.every((p) => p.welcomes > 0));
    const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'honest', '--exit-on-bye']);
    procs.push(worker);
    // Evicted ids are refused when they say hello again.
    await waitFor('a refused hello', () => peers.some((p) => p.errors.some((e) => /is refused for another/.test(e))));
    await expectSuccess(coordinator, 'coordinator');
    const log = coordinator.stderr();
    assert.match(log, /evicted worker forger-nan \(peer [0-9a-f]{8}\): shard \d+ agent \d+: value NaN is not finite/);
    assert.match(
      log,
      /evicted worker forger-huge .*value 1000000 is impossible \(a CartPole-v1 return over at most 200 steps lies in \[0, 200\]\)/,
    );
    assert.match(log, /evicted worker forger-plausible .*reported 123\.25, the coordinator computes/);
    const summary = JSON.parse(readFileSync(join(out, 'ne', spec.runId, 'summary.json'), 'utf8')) as RunSummaryFile;
    assert.equal(summary.paramsSha256, referenceSha);
    assert.deepEqual(summary.fitnessHistory, reference);
    await expectSuccess(worker, 'honest worker (--exit-on-bye)');
  });
});
