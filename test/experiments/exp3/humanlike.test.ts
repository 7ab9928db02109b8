// Experiment 3's human-likeness hybrid: Adam on the human's actions, then a GA that maximises the closeness of the
// model's return distribution to the human's (1 − KS). Deterministic, and resumable from its checkpoint.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXP3_DEFAULTS, type Exp3Config } from '../../../src/experiments/exp3/config.js';
import { runExp3 } from '../../../src/experiments/exp3/run.js';
import type { ProgressSink } from '../../../src/experiments/progress.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-exp3-humanlike-'));
after(() => rmSync(root, { recursive: true, force: true }));

const quiet: ProgressSink = { update: () => {}, finishTrial: () => {}, log: () => {}, close: () => {} };
const cfg: Exp3Config = {
  ...EXP3_DEFAULTS,
  envs: ['CartPole-v1'],
  methods: ['hybrid_warm_humanlike'],
  sgdSteps: 200,
  neGenerations: 4,
  evalPoints: 4,
  synthetic: { participants: 1, days: 2, sessionsPerDay: 3, seed: 1 },
};

interface Summary {
  paramsSha256: string;
  fitnessHistory?: number[];
}

const summaries = (dir: string, ids: string[]): Summary[] =>
  ids.map((id) => JSON.parse(readFileSync(join(dir, 'trials', id, 'summary.json'), 'utf8')) as Summary);

test('the human-likeness hybrid is a pure function of its config, and resumes from its checkpoint to the same end', async () => {
  const a = await runExp3(cfg, { out: join(root, 'a'), resume: false, progress: quiet, command: 'test' });
  const b = await runExp3(cfg, { out: join(root, 'b'), resume: false, progress: quiet, command: 'test' });
  const ids = a.pairs[0].models.map((m) => m.id);
  assert.ok(ids.length >= 2, `both CL variants ran: ${ids.join(', ')}`);
  const sa = summaries(a.dir, ids);
  assert.deepEqual(
    sa.map((s) => s.paramsSha256),
    summaries(b.dir, ids).map((s) => s.paramsSha256),
  );
  for (const s of sa) {
    // Fitness is 1 − KS statistic, ties broken by at most 1e-6 × |% difference of mean return| (capped at 1000%).
    assert.ok((s.fitnessHistory ?? []).length > 0);
    for (const f of s.fitnessHistory ?? []) assert.ok(f >= -1e-3 && f <= 1, `fitness ${f}`);
  }
  // A crash after the last checkpoint: the summary and final network are gone, the checkpoint is there.
  for (const id of ids) {
    rmSync(join(a.dir, 'trials', id, 'summary.json'));
    rmSync(join(a.dir, 'trials', id, 'final_params.f32'));
  }
  const c = await runExp3(cfg, { out: join(root, 'a'), resume: true, progress: quiet, command: 'test' });
  assert.deepEqual(
    summaries(c.dir, ids).map((s) => s.paramsSha256),
    sa.map((s) => s.paramsSha256),
  );
});
