/**
 * Every /metrics endpoint passes `promtool check metrics` (Prometheus's own linter, from Debian's prometheus
 * package): a live NE coordinator with its evaluator worker, and a live sweep coordinator with its SGD worker,
 * each scraped mid-run, once every kind of series (histograms with observations, per-run and per-worker
 * labels, the SGD loss of a training trial, finished trials) is present.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, killAll, spawnCli, tempDir, type Proc } from '../coordinator/helpers/procs.js';
import { requireTool } from '../deploy/system_tool.js';

const dir = tempDir('promtool');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
const scraped = new Map<string, string>();

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** Scrapes `port` every 200 ms until the exposition satisfies `ready`; returns that exposition. */
async function scrapeWhen(what: string, port: number, ready: (text: string) => boolean, procsToWatch: Proc[]) {
  const t0 = Date.now();
  for (;;) {
    const text = await scrape(port).catch(() => '');
    if (ready(text)) return text;
    const dead = procsToWatch.find((p) => p.child.exitCode !== null);
    if (dead !== undefined) throw new Error(`${what}: a process exited early\n${dead.stderr()}`);
    if (Date.now() - t0 > 180_000) throw new Error(`timed out waiting for ${what}; last scrape:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('promtool check metrics on live coordinators and workers', () => {
  const opts = requireTool('promtool');

  before(async () => {
    if (opts.skip !== false) return;
    const [bind, sweepBind, coordPort, sweepPort, workerPort, sgdPort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    const runSpec = join(dir.path, 'run.json');
    writeFileSync(
      runSpec,
      JSON.stringify({
        runId: 'promtool-run',
        algorithm: 'simple_ga',
        populationSize: 50,
        mutation: { mode: 'adaptive_sigma', sigmaInit: 0.05, sigmaNoise: 0.05 },
        model: { inputs: 4, hidden: [8], outputs: 2, activation: 'tanh' },
        task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 1 },
        generations: 100000,
        seed: 0,
      }),
    );
    const sweepFile = join(dir.path, 'sweep.json');
    writeFileSync(
      sweepFile,
      JSON.stringify({
        grid: { experiment: ['exp2'], method: ['sgd'], dataset: ['cartpole'], fraction: [0.9], seed: [0, 1, 2] },
        settings: { exp2: { sgdSteps: 50000, datasetSteps: 3000, evalPoints: 4 } },
      }),
    );
    const endpoint = `tcp://127.0.0.1:${bind}`;
    const sweepEndpoint = `tcp://127.0.0.1:${sweepBind}`;
    const coordinator = spawnCli(
      ['coordinator', '--bind', endpoint, '--run', runSpec, '--placement', 'cluster', '--min-workers', '1'].concat([
        '--metrics-port',
        String(coordPort),
        '--out',
        join(dir.path, 'results'),
        '--checkpoint-every',
        '0',
      ]),
      env,
    );
    const sweep = spawnCli(
      [
        'sweep',
        sweepFile,
        '--bind',
        sweepEndpoint,
        '--metrics-port',
        String(sweepPort),
        '--out',
        join(dir.path, 'sweep'),
      ],
      env,
    );
    const worker = spawnCli(
      ['worker', '--connect', endpoint, '--threads', '1', '--metrics-port', String(workerPort)],
      env,
    );
    const sgdWorker = spawnCli(
      ['worker', '--connect', sweepEndpoint, '--role', 'sgd', '--threads', '1', '--metrics-port', String(sgdPort)],
      env,
    );
    procs.push(coordinator, sweep, worker, sgdWorker);
    const all = [coordinator, sweep, worker, sgdWorker];
    scraped.set(
      'coordinator',
      await scrapeWhen(
        'the NE coordinator after 3 generations',
        coordPort,
        (t) => /^evoscale_generation_duration_seconds_count\{run="promtool-run"\} ([3-9]|\d\d+)/m.test(t),
        all,
      ),
    );
    scraped.set(
      'worker',
      await scrapeWhen(
        'the evaluator worker after a shard',
        workerPort,
        (t) => /^evoscale_evaluations_total\{/m.test(t),
        all,
      ),
    );
    // A finished trial fills the macro-F1 histogram; a trial in training exposes its loss on the SGD worker.
    scraped.set(
      'sweep',
      await scrapeWhen(
        'the sweep coordinator after its first trial',
        sweepPort,
        (t) => /^evoscale_trial_test_macro_f1_count\{.*\} [1-9]/m.test(t),
        all,
      ),
    );
    scraped.set('sgd worker', await scrape(sgdPort));
  });

  after(() => {
    killAll(procs);
    dir.remove();
  });

  for (const name of ['coordinator', 'worker', 'sweep', 'sgd worker']) {
    it(`the ${name}'s /metrics passes promtool check metrics`, opts, () => {
      const text = scraped.get(name) ?? '';
      assert.ok(text.includes('# TYPE '), `${name}: nothing scraped`);
      const r = promtool(text);
      assert.equal(r.status, 0, `promtool check metrics on the ${name}:\n${r.output}`);
    });
  }

  it('every endpoint reports evoscale_build_info and unprefixed Node.js process metrics', opts, () => {
    for (const [name, text] of scraped) {
      assert.match(text, /^evoscale_build_info\{version="[^"]+",node_version="v\d+[^"]*",commit="[^"]+"\} 1$/m, name);
      assert.match(text, /^process_cpu_seconds_total /m, name);
      assert.doesNotMatch(text, /^evoscale_(process|nodejs)_/m, name);
    }
  });

  it('generation duration is a histogram', opts, () => {
    assert.match(scraped.get('coordinator') ?? '', /^# TYPE evoscale_generation_duration_seconds histogram$/m);
  });
});
