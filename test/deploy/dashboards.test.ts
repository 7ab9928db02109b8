/**
 * The dashboards import into any Grafana: the data source is a variable (with an `__inputs` entry for the import
 * dialog), Prometheus job names come from variables rather than being written in the queries, and every panel
 * states its unit. (test/deploy/dashboards_live.test.ts runs every query against a real Prometheus.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

interface DataSourceRef {
  type?: string;
  uid?: string;
}
interface Panel {
  title: string;
  type: string;
  datasource?: DataSourceRef;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr: string; datasource?: DataSourceRef }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query: { query: string } | string;
  datasource?: DataSourceRef;
}
interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[];
  uid: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dir = join(repoRoot, 'dashboards');
const dashboards = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, d: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard }));
const panelsOf = (ps: readonly Panel[]): Panel[] => ps.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
const THE_VARIABLE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

describe('dashboards/*.json import into any Grafana', () => {
  for (const { file, d } of dashboards) {
    it(`${file} asks for a Prometheus data source on import and offers a datasource variable`, () => {
      assert.deepEqual(
        d.__inputs?.map((i) => [i.type, i.pluginId]),
        [['datasource', 'prometheus']],
      );
      const v = d.templating.list.find((x) => x.name === 'datasource');
      assert.ok(v, `${file}: no datasource variable`);
      assert.equal(v.type, 'datasource');
      assert.equal(v.query, 'prometheus');
      assert.equal(d.templating.list[0], v, `${file}: the datasource variable comes first (the others query it)`);
    });

    it(`${file}: every panel, query and variable uses the datasource variable, no hard-coded uid`, () => {
      for (const p of panelsOf(d.panels)) {
        if (p.type === 'row') continue;
        assert.deepEqual(p.datasource, THE_VARIABLE, `${file} panel ${p.title}`);
        for (const t of p.targets ?? []) assert.deepEqual(t.datasource, THE_VARIABLE, `${file} panel ${p.title}`);
      }
      for (const v of d.templating.list.filter((x) => x.type === 'query')) {
        assert.deepEqual(v.datasource, THE_VARIABLE, `${file} variable ${v.name}`);
      }
    });

    it(`${file}: every query selects jobs through a job variable, never by name`, () => {
      const jobVars = new Set(d.templating.list.filter((v) => v.name.endsWith('_job')).map((v) => v.name));
      assert.ok(jobVars.size > 0, `${file}: no job variable`);
      for (const p of panelsOf(d.panels)) {
        for (const t of p.targets ?? []) {
          const jobs = [...t.expr.matchAll(/\bjob\s*(=~|=|!=|!~)\s*"([^"]*)"/g)];
          // Every evoscale_/process_/nodejs_ selector names its job, so two clusters in one Prometheus stay apart.
          const selectors = [...t.expr.matchAll(/\b(?:evoscale|process|nodejs)_\w+(\{[^}]*\})?/g)];
          for (const s of selectors) assert.match(s[1] ?? '', /\bjob=~"\$\w+_job"/, `${file} ${p.title}: ${s[0]}`);
          for (const j of jobs) {
            assert.equal(j[1], '=~', `${file} ${p.title}: job must be matched as a regex (multi-value variable)`);
            assert.ok(jobVars.has(j[2].replace(/^\$/, '')), `${file} ${p.title}: job "${j[2]}" is not a variable`);
          }
        }
      }
    });

    it(`${file}: a namespace variable next to the job one filters every query (All also matches no namespace)`, () => {
      const ns = d.templating.list.find((v) => v.name === 'namespace') as
        (Variable & { includeAll?: boolean; allValue?: string; multi?: boolean }) | undefined;
      assert.ok(ns, `${file}: no namespace variable`);
      assert.equal(ns.type, 'query');
      assert.match(
        typeof ns.query === 'string' ? ns.query : ns.query.query,
        /^label_values\(evoscale_\w+, namespace\)$/,
      );
      // `.*` matches series without the label (Docker Compose), where a list of the values found would not.
      assert.equal(ns.allValue, '.*');
      assert.equal(ns.includeAll, true);
      const names = d.templating.list.map((v) => v.name);
      const firstJob = names.findIndex((n) => n.endsWith('_job'));
      assert.ok(names.indexOf('namespace') < firstJob, `${file}: namespace comes before the job variable it narrows`);
      for (const v of d.templating.list.filter((x) => x.name.endsWith('_job'))) {
        const q = typeof v.query === 'string' ? v.query : v.query.query;
        assert.match(q, /\{namespace=~"\$namespace"\}/, `${file} variable ${v.name}`);
      }
      for (const p of panelsOf(d.panels)) {
        for (const t of p.targets ?? []) {
          for (const s of t.expr.matchAll(/\{[^}]*\bjob=~[^}]*\}/g)) {
            assert.match(s[0], /\bnamespace=~"\$namespace"/, `${file} ${p.title}: ${s[0]}`);
          }
        }
      }
    });

    it(`${file}: every panel states its unit`, () => {
      for (const p of panelsOf(d.panels)) {
        if (p.type === 'row') continue;
        const unit = p.fieldConfig?.defaults?.unit;
        assert.ok(typeof unit === 'string' && unit !== '', `${file} panel ${p.title} has no unit`);
      }
    });
  }
});
