import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCheckpoint, writeCheckpoint, CheckpointError } from '../../src/coordinator/checkpoint.js';
import { runNe } from '../../src/coordinator/ne_run.js';
import { snapshotState } from '../../src/shared/algorithms/index.js';
import { buildRunContext } from '../../src/worker/runtime/run_context.js';
import { tempDir } from './helpers/procs.js';
import { rolloutSpec, type RunSummaryFile } from './helpers/specs.js';

const dir = tempDir('checkpoint');
after(() => dir.remove());

describe('checkpoints', () => {
  it('round-trip the state exactly and leave no temp file behind', async () => {
    const spec = rolloutSpec();
    const ctx = await buildRunContext(spec, { evaluate: false });
    const state = ctx.initialState();
    const out = join(dir.path, 'roundtrip');
    writeCheckpoint(out, {
      spec,
      snapshot: snapshotState(state),
      history: { best: [], median: [], mean: [] },
      evaluations: 0,
      wallSeconds: 0,
    });
    const back = readCheckpoint(out, spec);
    assert.ok(back);
    assert.deepEqual(back.snapshot.params, state.params);
    assert.ok(back.snapshot.params instanceof Float32Array);
    assert.deepEqual(readdirSync(join(out, 'checkpoints')), ['latest.msgpack']);
  });

  it('refuse a checkpoint of another spec, naming what to do', async () => {
    const spec = rolloutSpec();
    const out = join(dir.path, 'other');
    const ctx = await buildRunContext(spec, { evaluate: false });
    writeCheckpoint(out, {
      spec,
      snapshot: snapshotState(ctx.initialState()),
      history: { best: [], median: [], mean: [] },
      evaluations: 0,
      wallSeconds: 0,
    });
    assert.throws(
      () => readCheckpoint(out, { ...spec, seed: 12 }),
      (e: unknown) => e instanceof CheckpointError && /different spec/.test(e.message),
    );
  });

  it('refuse a damaged checkpoint', async () => {
    const out = join(dir.path, 'damaged');
    const ctx = await buildRunContext(rolloutSpec(), { evaluate: false });
    writeCheckpoint(out, {
      spec: rolloutSpec(),
      snapshot: snapshotState(ctx.initialState()),
      history: { best: [], median: [], mean: [] },
      evaluations: 0,
      wallSeconds: 0,
    });
    writeFileSync(join(out, 'checkpoints', 'latest.msgpack'), new Uint8Array([0xc1, 0x00]));
    assert.throws(() => readCheckpoint(out, rolloutSpec()), CheckpointError);
  });

  it('a run stopped after a checkpoint and run again ends exactly like an uninterrupted one', async () => {
    const spec = rolloutSpec({ generations: 7 });
    const whole = await runNe(spec, { placement: 'local', outDir: join(dir.path, 'whole') });
    const out = join(dir.path, 'stopped');
    const stop = new Error('stop');
    await assert.rejects(
      runNe(spec, {
        placement: 'local',
        outDir: out,
        checkpointEvery: 2,
        onGeneration: (r) => {
          if (r.generation === 4) throw stop;
        },
      }),
      (e: unknown) => e === stop,
    );
    assert.ok(existsSync(join(out, 'checkpoints', 'latest.msgpack')));
    const resumed = await runNe(spec, { placement: 'local', outDir: out, checkpointEvery: 2 });
    assert.equal(resumed.resumedFrom, 4);
    assert.equal(resumed.paramsSha256, whole.paramsSha256);
    assert.deepEqual(resumed.fitnessHistory, whole.fitnessHistory);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummaryFile;
    assert.equal(summary.paramsSha256, whole.paramsSha256);
  });
});
