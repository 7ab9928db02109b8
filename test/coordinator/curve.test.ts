/**
 * CURVE: with `--curve-secret`, only workers holding the coordinator's public key get in. A worker without
 * a key and one with the wrong key never complete the handshake, so they are never admitted, while a
 * worker with the right key serves the run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, waitFor, type Proc } from './helpers/procs.js';
import { rolloutSpec, writeSpec } from './helpers/specs.js';

describe('CURVE authentication', () => {
  const dir = tempDir('curve');
  const procs: Proc[] = [];
  after(() => {
    killAll(procs);
    dir.remove();
  });

  it('admits only workers with the coordinator’s key', async () => {
    const keys = join(dir.path, 'keys');
    await expectSuccess(spawnCli(['keys', 'generate', '--out', keys, '--name', 'coordinator']), 'keys generate');
    await expectSuccess(spawnCli(['keys', 'generate', '--out', keys, '--name', 'impostor']), 'keys generate');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const metricsPort = await freePort();
    const spec = rolloutSpec({ runId: 'curve', generations: 3 });
    const coordinator = spawnCli([
      'coordinator',
      '--run',
      writeSpec(dir.path, spec),
      '--out',
      join(dir.path, 'out'),
      '--bind',
      endpoint,
      '--curve-secret',
      join(keys, 'coordinator.key_secret'),
      '--metrics-port',
      String(metricsPort),
      '--placement',
      'cluster',
      '--heartbeat-ms',
      '200',
    ]);
    procs.push(coordinator);
    await waitFor('the coordinator to listen', () => /listening on .*\(CURVE\)/.test(coordinator.stderr()));
    const plain = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'no-key',
      '--heartbeat-ms',
      '200',
    ]);
    const wrong = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'wrong-key',
      '--heartbeat-ms',
      '200',
      '--curve-server-key',
      join(keys, 'impostor.key'),
    ]);
    procs.push(plain, wrong);
    // Both keep knocking (hello with backoff) for a few seconds.
    // Node starts slowly on a loaded machine: a generous wait, not a timing assertion.
    await waitFor(
      'the keyless workers to start',
      () => /connecting to/.test(plain.stderr()) && /connecting to/.test(wrong.stderr()),
      120_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.doesNotMatch(text, /^evoscale_workers_connected\{[^}]*\} [1-9]/m, 'no worker is connected');
    assert.doesNotMatch(coordinator.stderr(), /joined/);

    const good = spawnCli([
      'worker',
      '--connect',
      endpoint,
      '--threads',
      '1',
      '--id',
      'has-key',
      '--exit-on-bye',
      '--curve-server-key',
      join(keys, 'coordinator.key'),
    ]);
    procs.push(good);
    await expectSuccess(coordinator, 'coordinator');
    const joined = [...coordinator.stderr().matchAll(/worker (\S+) joined/g)].map((m) => m[1]);
    assert.deepEqual(joined, ['has-key']);
    assert.doesNotMatch(plain.stderr(), /admitted/);
    assert.doesNotMatch(wrong.stderr(), /admitted/);
    // Refused handshakes are said, not retried silently: on the coordinator and on each refused worker.
    assert.match(coordinator.stderr(), /coordinator: refused a connection on tcp:\/\/[^ ]+: .*CURVE public key/);
    assert.match(wrong.stderr(), /refused during the handshake .*check that --curve-server-key/);
    assert.match(plain.stderr(), /refused during the handshake .*may require CURVE/);
  });
});
