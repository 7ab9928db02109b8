import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { createProgress } from '../../src/experiments/progress.js';
import { EXP1_DEFAULTS, runExp1 } from '../../src/experiments/exp1.js';
import { EXP2_DEFAULTS, runExp2 } from '../../src/experiments/exp2.js';
import type { TrialSummary } from '../../src/trials/trial.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-pipeline-'));
const cache = join(root, 'cache');
process.env.EVOSCALE_CACHE = cache;
after(() => rmSync(root, { recursive: true, force: true }));

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const quiet = createProgress(1, { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);

describe('evoscale run exp1 --plan', () => {
  it("prints the trials with the proposal's FLOPs at 30k samples (DL 6.39e10, GA 1.44e12, ±3%)", () => {
    const r = spawnSync(process.execPath, [cli, 'run', 'exp1', '--plan'], {
      encoding: 'utf8',
      env: { ...process.env },
    });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as {
      trials: { method: string; trainSize: number; seed: number; splitSeed: number; plannedFlops: number }[];
    };
    // 6 sizes × 2 methods × the default 3 seeds, each seed an independent replicate with its own split.
    assert.equal(plan.trials.length, 36);
    assert.deepEqual([...new Set(plan.trials.map((t) => t.seed))], [0, 1, 2]);
    assert.ok(plan.trials.every((t) => t.splitSeed === t.seed));
    const at = (m: string) => plan.trials.find((t) => t.method === m && t.trainSize === 30000)?.plannedFlops ?? NaN;
    assert.ok(Math.abs(at('dl_adam') / 6.39e10 - 1) < 0.03, `DL ${at('dl_adam')}`);
    assert.ok(Math.abs(at('ga_tournament') / 1.44e12 - 1) < 0.03, `GA ${at('ga_tournament')}`);
  });

  it('fixes the split for every seed when the config sets splitSeed, and names a misspelt setting', () => {
    const cfgFile = join(root, 'fixed-split.json');
    writeFileSync(cfgFile, JSON.stringify({ splitSeed: 7, sizes: [100], seeds: [0, 1] }));
    const r = spawnSync(process.execPath, [cli, 'run', 'exp1', '--config', cfgFile, '--plan'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { trials: { seed: number; splitSeed: number }[] };
    assert.deepEqual(
      plan.trials.map((t) => [t.seed, t.splitSeed]),
      [
        [0, 7],
        [1, 7],
        [0, 7],
        [1, 7],
      ],
    );
    writeFileSync(cfgFile, JSON.stringify({ splitseed: 7 }));
    const bad = spawnSync(process.execPath, [cli, 'run', 'exp1', '--config', cfgFile, '--plan'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /splitseed: unknown key; known keys: .*splitSeed/);
  });

  it('rejects a bad option with a message naming it', () => {
    const r = spawnSync(process.execPath, [cli, 'run', 'exp1', '--sizes', '100,abc', '--plan'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--sizes/);
    const r2 = spawnSync(process.execPath, [cli, 'run', 'exp2', '--methods', 'sgd,nope', '--plan'], {
      encoding: 'utf8',
    });
    assert.match(r2.stderr, /unknown method 'nope'/);
  });
});

describe('experiments end to end on tiny configurations', () => {
  it('exp1 writes trials, the four-panel figure and a report; two worker threads give the same results as inline', async () => {
    const cfg = {
      ...EXP1_DEFAULTS,
      sizes: [100, 300],
      seeds: [0, 1],
      testSize: 500,
      epochs: 3,
      generations: 3,
      evalEpisodes: 2,
      datasetSteps: 3000,
    };
    const a = await runExp1(cfg, { out: join(root, 'a'), resume: false, workers: 0, progress: quiet, command: 'test' });
    const b = await runExp1(cfg, { out: join(root, 'b'), resume: false, workers: 2, progress: quiet, command: 'test' });
    assert.deepEqual(
      a.summaries.map((s) => s.paramsSha256),
      b.summaries.map((s) => s.paramsSha256),
    );
    for (const f of ['report.md', 'aggregate.json', 'plots/exp1_scaling.svg', 'plots/exp1_scaling.png']) {
      assert.ok(existsSync(join(a.dir, f)), f);
    }
    const png = readFileSync(join(a.dir, 'plots/exp1_scaling.png'));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const report = readFileSync(join(a.dir, 'report.md'), 'utf8');
    assert.match(report, /\| DL \(Adam\) \| 300 \|/);
    assert.match(report, /each seed draws its own train\/test split/);
    assert.equal(readdirSync(join(a.dir, 'trials')).length, 8);
    const splitOf = (id: string): unknown =>
      (JSON.parse(readFileSync(join(a.dir, 'trials', id, 'config.json'), 'utf8')) as { split: { seed: number } }).split
        .seed;
    assert.deepEqual([splitOf('n300_dl_adam_s0'), splitOf('n300_dl_adam_s1')], [0, 1]);
  });

  it('exp2 writes the three figures per dataset and fraction, and --resume re-runs nothing finished', async () => {
    const cfg = {
      ...EXP2_DEFAULTS,
      fractions: [0.5],
      methods: ['sgd', 'ga_adaptive_ce', 'es_fixed_f1'],
      sgdSteps: 200,
      neGenerations: 20,
      evalPoints: 4,
      datasetSteps: 3000,
    };
    const out = join(root, 'e2');
    const first = await runExp2(cfg, { out, resume: false, workers: 0, progress: quiet, command: 'test' });
    for (const f of ['cartpole_f50_ce', 'cartpole_f50_f1', 'cartpole_f50_final_f1']) {
      assert.ok(existsSync(join(first.dir, 'plots', `${f}.png`)), f);
    }
    const report = readFileSync(join(first.dir, 'report.md'), 'utf8');
    assert.match(report, /reproducible bit for bit/);
    const summaryPath = join(first.dir, 'trials', 'cartpole_f50_sgd_s0', 'summary.json');
    const before = (JSON.parse(readFileSync(summaryPath, 'utf8')) as TrialSummary).wallSeconds;
    const again = await runExp2(cfg, { out, resume: true, workers: 0, progress: quiet, command: 'test' });
    assert.equal((JSON.parse(readFileSync(summaryPath, 'utf8')) as TrialSummary).wallSeconds, before);
    assert.deepEqual(
      again.summaries.map((s) => s.paramsSha256),
      first.summaries.map((s) => s.paramsSha256),
    );
  });
});
