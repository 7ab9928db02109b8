/** `evoscale run exp1|exp2|exp3 --config <file>`: every value checked, refused with the file, line, key and value. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

function plan(
  experiment: string,
  name: string,
  text: string,
): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [cli, 'run', experiment, '--config', file, '--plan', '--out', dir], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replaceAll(file, '<file>') };
}

describe('experiment 1 --config', () => {
  it('refuses seeds and epochs given as strings, naming the file, line, key, value and what was expected', () => {
    const r = plan('exp1', 'e1.json', '{"seeds":"0,1","epochs":"lots"}');
    assert.notEqual(r.status, 0);
    assert.equal(
      r.stderr,
      'evoscale: <file>:1:2: seeds: expected a non-empty array of non-negative integers, got "0,1"\n' +
        '<file>:1:16: epochs: expected a positive integer, got "lots"\n',
    );
  });

  it('refuses a non-integer epoch count', () => {
    const r = plan('exp1', 'e1b.yaml', 'seeds: [0]\nepochs: lots\n');
    assert.equal(r.stderr, 'evoscale: <file>:2:1: epochs: expected a positive integer, got "lots"\n');
  });

  it('refuses a misspelt key and lists the known ones', () => {
    const r = plan('exp1', 'e1c.yaml', 'epoch: 3\n');
    assert.match(r.stderr, /<file>:1:1: epoch: unknown key; known keys: dataset, envId, sizes, .*epochs/);
  });

  it('still plans from a valid file, with flags over it', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'sizes: [100]\nseeds: [4]\n');
    const r = spawnSync(process.execPath, [cli, 'run', 'exp1', '--config', file, '--seeds', '5', '--plan'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout) as { trials: { seed: number; trainSize: number }[] };
    assert.ok(p.trials.length > 0 && p.trials.every((t) => t.seed === 5 && t.trainSize === 100));
  });
});

describe('experiment 2 --config', () => {
  it('refuses a fraction outside (0, 1] naming the item', () => {
    const r = plan('exp2', 'e2.yaml', 'fractions:\n  - 0.5\n  - 30\n');
    assert.equal(r.stderr, 'evoscale: <file>:3:5: fractions[1]: expected a number in (0, 1], got 30\n');
  });

  it('refuses a budget given as text', () => {
    const r = plan('exp2', 'e2b.json', '{\n  "neGenerations": "12k"\n}');
    assert.equal(r.stderr, 'evoscale: <file>:2:3: neGenerations: expected a positive integer, got "12k"\n');
  });

  it('refuses a setting of experiment 1', () => {
    const r = plan('exp2', 'e2c.json', '{"epochs": 3}');
    assert.match(r.stderr, /<file>:1:2: epochs: unknown key; known keys: datasets, /);
  });

  it('names the file of a malformed JSON file', () => {
    const r = plan('exp2', 'e2d.json', '{"seeds": [0,]}');
    assert.match(r.stderr, /^evoscale: <file>(:\d+:\d+)?: not valid JSON/);
  });
});

describe('experiment 3 --config', () => {
  it('reads its settings from the file, flags over them', () => {
    const r = plan('exp3', 'e3.yaml', 'neGenerations: 50\npolicy: greedy\nsynthetic:\n  days: 2\n');
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout) as { config: { neGenerations: number; policy: string; synthetic: object } };
    assert.equal(p.config.neGenerations, 50);
    assert.equal(p.config.policy, 'greedy');
    assert.deepEqual(p.config.synthetic, { participants: 2, days: 2, sessionsPerDay: 3, seed: 0 });
  });

  it('refuses a policy it does not know', () => {
    const r = plan('exp3', 'e3b.yaml', 'seed: 1\npolicy: random\n');
    assert.equal(r.stderr, 'evoscale: <file>:2:1: policy: expected "sample" or "greedy", got "random"\n');
  });

  it('refuses a misspelt key inside synthetic', () => {
    const r = plan('exp3', 'e3c.json', '{"synthetic": {"weeks": 2}}');
    assert.match(r.stderr, /<file>:1:16: synthetic\.weeks: unknown key; known keys: participants, days/);
  });

  it('names the file and line of malformed YAML', () => {
    const r = plan('exp3', 'e3d.yaml', 'methods: [sgd\nseed: 1\n');
    assert.match(r.stderr, /^evoscale: <file>:\d+:\d+: not valid YAML/);
  });
});
