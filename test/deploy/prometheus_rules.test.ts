/** deploy/prometheus: the configuration and alert rules pass promtool's checks and the rules' own unit tests. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
