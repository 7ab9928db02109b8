/**
 * The Grafana dashboards against real data: Debian's Prometheus scrapes a short real cluster on loopback — a
 * coordinator running a neuroevolution run on two workers, and a sweep coordinator training an SGD trial on an SGD
 * worker — and every panel query and variable query of every dashboard must return series, queried as Grafana
 * does (range queries over the run, with Grafana's variables filled in from the data).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, freePort, killAll, spawnCli, tempDir, type Proc } from '../coordinator/helpers/procs.js';
import { repoRoot } from '../helpers/paths.js';
import { requireTool } from './system_tool.js';

interface Target {
  expr: string;
}
interface Panel {
  title: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query: { query: string } | string;
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Variable[] };
}
interface PromResponse {
  status: string;
  error?: string;
  data: { resultType: string; result: unknown[] } | string[];
}

const dashboardsDir = join(repoRoot, 'dashboards');
const dashboards: Dashboard[] = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8')) as Dashboard);
const panelsOf = (ps: readonly Panel[]): Panel[] => ps.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);

const dir = tempDir('dashboards');
const env = { EVOSCALE_CACHE: join(dir.path, 'cache') };
const procs: Proc[] = [];
let prometheus: ChildProcess | undefined;
let promUrl = '';
let start = 0;
let end = 0;
const vars = new Map<string, string>();

/** Polls an async check every 250 ms until it returns true. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function prom(path: string, params: Record<string, string>): Promise<PromResponse> {
  const res = await fetch(`${promUrl}${path}?${new URLSearchParams(params).toString()}`);
  return (await res.json()) as PromResponse;
}

/** [metric selector, label] of a `label_values(metric, label)` variable query. */
function labelQuery(v: Variable): [string, string] {
  const q = typeof v.query === 'string' ? v.query : v.query.query;
  const m = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
  assert.ok(m, `variable ${v.name}: label_values(metric, label) expected, got ${q}`);
  return [m[1], m[2]];
}

/** Grafana's variables as a panel sees them over the test's time range. */
function substitute(expr: string): string {
  const range = Math.max(10, Math.ceil(end - start));
  return expr
    .replaceAll('$__rate_interval', '5s')
    .replaceAll('$__interval', '1s')
    .replaceAll('$__range', `${range}s`)
    .replace(/\$\{?(\w+)\}?/g, (all, name: string) => vars.get(name) ?? all);
}

describe('Grafana dashboards on a real run scraped by Prometheus', () => {
  const opts = requireTool('prometheus');

  before(async () => {
    if (opts.skip !== false) return;
    const [bind, sweepBind, coordMetrics, sweepMetrics, w1, w2, w3, promPort] = await Promise.all(
      Array.from({ length: 8 }, () => freePort()),
    );
    writeFileSync(
      join(dir.path, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        // Job names as the Prometheus Operator makes them: the dashboards must find them through their variables.
        // The Operator also labels every series with the pod's namespace, which the namespace variable lists.
        '  - job_name: serviceMonitor/research/evoscale-coordinator/0',
        `    static_configs: [{ targets: ["127.0.0.1:${coordMetrics}", "127.0.0.1:${sweepMetrics}"], labels: { namespace: research } }]`,
        '  - job_name: podMonitor/research/evoscale-worker/0',
        `    static_configs: [{ targets: ["127.0.0.1:${w1}", "127.0.0.1:${w2}", "127.0.0.1:${w3}"], labels: { namespace: research } }]`,
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir.path, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir.path, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    promUrl = `http://127.0.0.1:${promPort}`;
    await until(
      'Prometheus to be ready',
      () =>
        fetch(`${promUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
    );
    start = Date.now() / 1000;

    const runSpec = join(dir.path, 'run.json');
    writeFileSync(
      runSpec,
      JSON.stringify({
        runId: 'live-run',
        algorithm: 'simple_ga',
        populationSize: 200,
        mutation: { mode: 'adaptive_sigma', sigmaInit: 0.05, sigmaNoise: 0.05 },
        model: { inputs: 4, hidden: [16], outputs: 2, activation: 'tanh' },
        task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2 },
        generations: 100000,
        seed: 0,
      }),
    );
    const sweepFile = join(dir.path, 'sweep.json');
    writeFileSync(
      sweepFile,
      JSON.stringify({
        grid: { experiment: ['exp2'], method: ['sgd'], dataset: ['cartpole'], fraction: [0.9], seed: [0, 1] },
        settings: { exp2: { sgdSteps: 200000, datasetSteps: 3000, evalPoints: 4 } },
      }),
    );
    const endpoint = `tcp://127.0.0.1:${bind}`;
    const sweepEndpoint = `tcp://127.0.0.1:${sweepBind}`;
    const coordinator = spawnCli(
      ['coordinator', '--bind', endpoint, '--run', runSpec, '--placement', 'cluster', '--min-workers', '2'].concat([
        '--metrics-port',
        String(coordMetrics),
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
        String(sweepMetrics),
        '--out',
        join(dir.path, 'sweep'),
      ],
      env,
    );
    const worker = (id: string, port: number, connect: string, extra: string[] = []) =>
      spawnCli(
        ['worker', '--connect', connect, '--threads', '1', '--id', id, '--metrics-port', String(port), ...extra],
        env,
      );
    procs.push(
      coordinator,
      sweep,
      worker('live-w1', w1, endpoint),
      worker('live-w2', w2, endpoint),
      worker('live-sgd', w3, sweepEndpoint, ['--role', 'sgd', '--exit-on-bye']),
    );
    // The first trial's end sets the test macro-F1 gauge, scraped while the second trains (one SGD thread).
    await expectSuccess(sweep, 'the SGD sweep');
    await until(
      'the NE run to have finished 20 generations',
      async () => {
        const r = await prom('/api/v1/query', { query: 'max(evoscale_generation{run="live-run"})' });
        const v = (r.data as { result: { value: [number, string] }[] }).result[0]?.value[1];
        return v !== undefined && Number(v) >= 20;
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 3000)); // a few more scrapes of everything
    end = Date.now() / 1000;
    // Grafana's choice for each query variable, in dashboard order (later ones refer to earlier ones, e.g. run to
    // coordinator_job): the first value, or the first evaluator worker.
    for (const v of dashboards.flatMap((d) => d.templating.list)) {
      if (v.type !== 'query' || vars.has(v.name)) continue;
      const r = await prom(`/api/v1/label/${labelQuery(v)[1]}/values`, { 'match[]': substitute(labelQuery(v)[0]) });
      const values = r.data as string[];
      assert.ok(values.length > 0, `variable ${v.name} has values`);
      vars.set(v.name, values.includes('live-w1') ? 'live-w1' : values[0]);
    }
  });

  after(() => {
    killAll(procs);
    prometheus?.kill('SIGKILL');
    dir.remove();
  });

  it('there are three dashboards: cluster overview, runs and worker resources', opts, () => {
    assert.deepEqual(dashboards.map((d) => d.uid).sort(), ['evoscale-cluster', 'evoscale-run', 'evoscale-workers']);
  });

  for (const d of dashboards) {
    it(`every variable of ${d.uid} has values`, opts, async () => {
      for (const v of d.templating.list) {
        // The data source variable lists Grafana's Prometheus data sources, not series.
        if (v.type === 'datasource') continue;
        const [selector, label] = labelQuery(v);
        const r = await prom(`/api/v1/label/${label}/values`, {
          'match[]': substitute(selector),
          start: String(start),
          end: String(end),
        });
        assert.equal(r.status, 'success', r.error);
        assert.ok((r.data as string[]).length > 0, `${d.uid} variable ${v.name} (${selector}) has no values`);
      }
    });

    it(`every panel query of ${d.uid} returns series`, opts, async () => {
      const failures: string[] = [];
      for (const p of panelsOf(d.panels)) {
        for (const t of p.targets ?? []) {
          const query = substitute(t.expr);
          const r = await prom('/api/v1/query_range', {
            query,
            start: String(start),
            end: String(end),
            step: '1',
          });
          if (r.status !== 'success') failures.push(`${p.title}: ${query}: ${r.error}`);
          else if ((r.data as { result: unknown[] }).result.length === 0)
            failures.push(`${p.title}: ${query}: no series`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});
