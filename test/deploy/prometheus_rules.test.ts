/** deploy/prometheus: the configuration and alert rules pass promtool's checks and the rules' own unit tests. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { requireTool } from './system_tool.js';

const dir = join(repoRoot, 'deploy', 'prometheus');
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });

describe('deploy/prometheus with promtool', () => {
  const opts = requireTool('promtool');

  it('`promtool check config` accepts prometheus.yml (and the rule files it names)', opts, () => {
    const r = promtool('check', 'config', 'prometheus.yml');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('`promtool check rules` accepts alerts.yml', opts, () => {
    const r = promtool('check', 'rules', 'alerts.yml');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 6 rules found/);
  });

  it('every alert fires when it should and stays quiet when it should not (promtool test rules)', opts, () => {
    const r = promtool('test', 'rules', 'alerts.test.yml');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

/**
 * The job names evoscale's own deploy files give Prometheus: prometheus.yml's job_name (Docker Compose), and under
 * the Prometheus Operator the coordinator's Service name (a ServiceMonitor's job label) and `<namespace>/<name>` of
 * the workers' PodMonitor.
 */
function deployJobs(): { coordinator: string[]; worker: string[] } {
  const compose = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string }[];
  };
  const names = compose.scrape_configs.map((c) => c.job_name);
  const docs = (file: string): { kind?: string; metadata?: { name?: string; namespace?: string } }[] =>
    parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'k8s', file), 'utf8')).map(
      (d) => d.toJSON() as { kind?: string; metadata?: { name?: string; namespace?: string } },
    );
  const monitors = docs('overlays/prometheus-operator/monitors.yaml');
  const service = docs('base/coordinator.yaml').find((d) => d.kind === 'Service');
  const pod = monitors.find((d) => d.kind === 'PodMonitor');
  assert.ok(service?.metadata?.name !== undefined && pod?.metadata?.name !== undefined);
  return {
    coordinator: [...names.filter((n) => n.includes('coordinator')), service.metadata.name],
    worker: [
      ...names.filter((n) => n.includes('worker')),
      `${pod.metadata.namespace ?? 'evoscale'}/${pod.metadata.name}`,
      `another-namespace/${pod.metadata.name}`,
    ],
  };
}

describe('deploy/prometheus/alerts.yml selects the jobs deploy/ creates', () => {
  interface Rule {
    alert: string;
    expr: string;
  }
  const rules = (
    parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }
  ).groups.flatMap((g) => g.rules);
  const selectors = (r: Rule): RegExp[] =>
    [...r.expr.matchAll(/\bjob\s*=~\s*"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`));
  const jobs = deployJobs();

  it('every job-selecting rule matches as a regex (=~), never one job name (=)', () => {
    for (const r of rules) assert.doesNotMatch(r.expr, /\bjob\s*=\s*"/, r.alert);
  });

  it('coordinator alerts match the coordinator job of Compose and of the Operator, and no worker job', () => {
    for (const r of rules.filter((x) =>
      /evoscale_(generations|workers_connected|workers_lost|run_progress)/.test(x.expr),
    )) {
      for (const re of selectors(r)) {
        for (const j of jobs.coordinator) assert.match(j, re, `${r.alert}: ${re} misses ${j}`);
        for (const j of jobs.worker) assert.doesNotMatch(j, re, `${r.alert}: ${re} takes worker job ${j}`);
      }
    }
  });

  it('EvoscaleTargetDown watches every evoscale job of Compose and of the Operator', () => {
    const down = rules.find((r) => r.alert === 'EvoscaleTargetDown');
    assert.ok(down);
    const [re] = selectors(down);
    for (const j of [...jobs.coordinator, ...jobs.worker]) assert.match(j, re, `misses ${j}`);
    assert.doesNotMatch('kubernetes-pods', re);
  });
});
