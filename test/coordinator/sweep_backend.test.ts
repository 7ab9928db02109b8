/**
 * `sweep --backend` and `worker --backend`: the backend flows down to every trial, a missing one is refused before
 * anything runs, a trial saying 'auto' runs on the worker's own backend, and evoscale_worker_info names every
 * backend a worker really ran.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, type Proc } from './helpers/procs.js';

const dir = tempDir('sweep-backend');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
after(() => {
  killAll(procs);
  dir.remove();
});

const summaryOf = (path: string): { backend: string } =>
  JSON.parse(readFileSync(join(path, 'summary.json'), 'utf8')) as { backend: string };
const configOf = (path: string): { backend?: string } =>
  JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as { backend?: string };

/** One tiny exp1 DL trial and one tiny exp2 SGD trial, each experiment with its own backend setting. */
function writeSweep(name: string, backends: { exp1: string; exp2: string }): string {
  const file = join(dir.path, name);
  writeFileSync(
    file,
    JSON.stringify({
      grid: { experiment: ['exp1', 'exp2'], dataset: ['cartpole'], seed: [0] },
      settings: {
        exp1: {
          methods: ['dl_adam'],
          sizes: [100],
          epochs: 2,
          testSize: 500,
          evalEpisodes: 0,
          datasetSteps: 3000,
          backend: backends.exp1,
        },
        exp2: {
          methods: ['sgd'],
          fractions: [0.5],
          sgdSteps: 100,
          evalPoints: 2,
          datasetSteps: 3000,
          backend: backends.exp2,
        },
      },
    }),
  );
  return file;
}

const exp1Trial = (out: string): string => join(out, 'exp1', 'cartpole_n100_dl_adam_s0');
const exp2Trial = (out: string): string => join(out, 'exp2', 'cartpole_f50_sgd_s0');

describe('sweep --backend', () => {
  it('runs every trial on the backend given, overriding the settings, and records it in config and summary', async () => {
    const file = writeSweep('embedded.json', { exp1: 'cpu', exp2: 'cpu' });
    const out = join(dir.path, 'embedded');
    await expectSuccess(
      spawnCli(['sweep', file, '--out', out, '--threads', '1', '--backend', 'tfjs'], env),
      'sweep --backend tfjs',
    );
    for (const t of [exp1Trial(out), exp2Trial(out)]) {
      assert.equal(configOf(t).backend, 'tfjs');
      assert.equal(summaryOf(t).backend, 'tfjs:cpu');
    }
  });

  it('refuses a backend that is not installed before any trial runs', async (t) => {
    const present = await import('@tensorflow/tfjs-node-gpu' as string).then(
      () => true,
      () => false,
    );
    if (present) return t.skip('@tensorflow/tfjs-node-gpu is installed here');
    const file = writeSweep('refused.json', { exp1: 'cpu', exp2: 'tfjs-node-gpu' });
    const p = spawnCli(['sweep', file, '--out', join(dir.path, 'refused'), '--threads', '1'], env);
    assert.notEqual(await p.exited, 0);
    assert.match(p.stderr(), /backend 'tfjs-node-gpu' is not available.*npm install @tensorflow\/tfjs-node-gpu/);
  });
});

describe('worker --backend', () => {
  it("runs a trial saying 'auto' on its own backend, one naming a backend on that one, and lists both in evoscale_worker_info", async () => {
    const file = writeSweep('remote.json', { exp1: 'auto', exp2: 'cpu' });
    const out = join(dir.path, 'remote');
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const metricsPort = await freePort();
    const coordinator = spawnCli(['sweep', file, '--out', out, '--bind', endpoint], env);
    const worker = spawnCli(
      [
        'worker',
        '--connect',
        endpoint,
        '--threads',
        '1',
        '--role',
        'sgd',
        '--id',
        'w1',
        '--backend',
        'tfjs',
        '--metrics-port',
        String(metricsPort),
      ],
      env,
    );
    procs.push(coordinator, worker);
    await expectSuccess(coordinator, 'remote sweep', 120_000);
    assert.equal(summaryOf(exp1Trial(out)).backend, 'tfjs:cpu', "'auto' ran on the worker's --backend");
    assert.equal(summaryOf(exp2Trial(out)).backend, 'cpu', 'a trial naming cpu ran on the CPU kernels');
    const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    const info = text
      .split('\n')
      .filter((l) => l.startsWith('evoscale_worker_info{'))
      .map((l) => /backend="([^"]+)"/.exec(l)?.[1])
      .sort();
    assert.deepEqual(info, ['cpu', 'tfjs:cpu']);
    worker.kill9();
  });
});
