import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { repoRoot } from './helpers/paths.js';

describe('the evoscale package', () => {
  it("resolves `import { make, expert, macroF1 } from 'evoscale'` inside the repo (self-reference through exports)", () => {
    const code =
      "import('evoscale').then(m => { const env = m.make('CartPole-v1'); const { obs } = env.reset({ seed: 0 });" +
      " const a = m.expert('CartPole-v1')(obs); console.log(JSON.stringify({ a, f1: m.macroF1([0,1,2,0,1,2],[0,2,1,0,0,1]), " +
      'ga: typeof m.simpleGa.ask, rng: typeof m.CounterRng.from })); })';
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { a: number; f1: number; ga: string; rng: string };
    assert.ok(out.a === 0 || out.a === 1);
    assert.ok(Math.abs(out.f1 - 0.26666666666666666) < 1e-12, 'scikit-learn documentation example');
    assert.deepEqual([out.ga, out.rng], ['function', 'function']);
  });

  it('`evoscale --help` lists the commands', () => {
    const r = spawnSync(process.execPath, ['dist/src/cli/main.js', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const cmd of ['run', 'dataset', 'rollout']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
  });

  it('`evoscale rollout` plays the expert and prints the returns; bad input gets a clear error', () => {
    const ok = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'rollout', '--env', 'CartPole-v1', '--episodes', '3', '--json'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as { returns: number[] }).returns, [500, 500, 500]);
    const bad = spawnSync(process.execPath, ['dist/src/cli/main.js', 'rollout', '--env', 'Pong-v5'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown environment id 'Pong-v5'; known ids: CartPole-v1/);
  });
});
