import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import omggif from 'omggif';
import { playEpisodes, type RolloutSummary } from '../../src/cli/commands/rollout.js';
import { nodeCanvasFactory } from '../../src/media/index.js';
import { make } from '../../src/shared/envs/registry.js';
import { EXP1_MLP, greedyPolicy, initParams } from '../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../src/shared/rng/philox.js';
import { repoRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'evoscale-rollout-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const canvasMissing = await nodeCanvasFactory().then(
  () => false,
  (err: Error) => `skipped: ${err.message}`,
);

function evoscale(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
}

function gifFrames(path: string): { frames: number; width: number; height: number } {
  const r = new omggif.GifReader(readFileSync(path));
  return { frames: r.numFrames(), width: r.width, height: r.height };
}

/** A results-folder trial as `evoscale run exp1` writes it: config.json (envId, model) and final_params.f32. */
function trialFolder(name: string, params: Float32Array, config: object): string {
  const trial = join(dir, name);
  mkdirSync(trial, { recursive: true });
  writeFileSync(join(trial, 'config.json'), JSON.stringify(config));
  writeFileSync(join(trial, 'final_params.f32'), new Uint8Array(params.buffer, params.byteOffset, params.byteLength));
  return join(trial, 'final_params.f32');
}

const params = initParams(EXP1_MLP, CounterRng.from(7, RngPurpose.init));
const trained = trialFolder('n100_dl_adam_s7', params, { envId: 'CartPole-v1', model: EXP1_MLP, seed: 7 });

describe('evoscale rollout --record and --params', () => {
  it('--record out.gif writes one GIF with a frame per step plus the reset frame', { skip: canvasMissing }, () => {
    const out = join(dir, 'cart.gif');
    const r = evoscale('rollout', '--env', 'CartPole-v1', '--max-episode-steps', '15', '--record', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as RolloutSummary;
    assert.deepEqual(summary.lengths, [15]);
    assert.deepEqual(summary.videos, [out]);
    assert.deepEqual(gifFrames(out), { frames: 16, width: 600, height: 400 });
  });

  it("--params plays the trained network's greedy policy, reading the architecture from the trial's config.json", () => {
    const r = evoscale('rollout', '--params', trained, '--episodes', '3', '--seed', '5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as RolloutSummary;
    const expected = playEpisodes(make('CartPole-v1'), greedyPolicy(EXP1_MLP, params), 3, 5);
    assert.equal(summary.envId, 'CartPole-v1');
    assert.equal(summary.policy, 'params');
    assert.deepEqual(summary.returns, expected.returns);
    assert.deepEqual(summary.lengths, expected.lengths);
  });

  it('--params with --record -n 2 writes <name>-episode-<k>.gif per episode', { skip: canvasMissing }, () => {
    const out = join(dir, 'videos', 'trained.gif');
    const r = evoscale(
      'rollout',
      '--params',
      trained,
      '-n',
      '2',
      '--max-episode-steps',
      '6',
      '--record',
      out,
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as RolloutSummary;
    const files = [0, 1].map((k) => join(dir, 'videos', `trained-episode-${k}.gif`));
    assert.deepEqual(summary.videos, files);
    files.forEach((f, k) => assert.equal(gifFrames(f).frames, summary.lengths[k] + 1));
  });

  it('plays the final_params.f32 of a real `evoscale run exp1` trial with its greedy policy', () => {
    const out = join(dir, 'results');
    const run = evoscale(
      ...['run', 'exp1', '--sizes', '100', '--methods', 'dl_adam', '--seeds', '0', '--epochs', '2'],
      ...['--dataset-steps', '20000', '--out', out],
    );
    assert.equal(run.status, 0, run.stderr);
    const trial = join(out, 'exp1', 'trials', 'n100_dl_adam_s0');
    const r = evoscale('rollout', '--params', join(trial, 'final_params.f32'), '-n', '2', '--json');
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(readFileSync(join(trial, 'config.json'), 'utf8')) as { model: typeof EXP1_MLP };
    const bytes = readFileSync(join(trial, 'final_params.f32'));
    const finalParams = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const expected = playEpisodes(make('CartPole-v1'), greedyPolicy(config.model, finalParams), 2, 0);
    assert.deepEqual((JSON.parse(r.stdout) as RolloutSummary).returns, expected.returns);
  });

  it('refuses a missing params file, naming the path', () => {
    const r = evoscale('rollout', '--params', join(dir, 'nope', 'final_params.f32'));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--params: no file at '.*nope\/final_params\.f32'/);
  });

  it('refuses a params file whose size does not fit the architecture in its config', () => {
    const short = trialFolder('short', params.subarray(0, 100), { envId: 'CartPole-v1', model: EXP1_MLP });
    const r = evoscale('rollout', '--params', short);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /holds 100 float32 values, but the 4→64→32→2 relu network of .*config\.json needs 2466/);
  });

  it('refuses a network that does not fit the env, and an --env other than the one it was trained on', () => {
    const acrobotModel = { inputs: 6, hidden: [50], outputs: 3, activation: 'tanh' };
    const acrobot = trialFolder('acrobot', new Float32Array(6 * 50 + 50 + 50 * 3 + 3), { model: acrobotModel });
    const misfit = evoscale('rollout', '--params', acrobot, '--env', 'CartPole-v1');
    assert.notEqual(misfit.status, 0);
    assert.match(misfit.stderr, /the 6→50→3 tanh network does not fit CartPole-v1 \(4 observations, 2 actions\)/);
    const other = evoscale('rollout', '--params', trained, '--env', 'Acrobot-v1');
    assert.notEqual(other.status, 0);
    assert.match(other.stderr, /--env Acrobot-v1, but .*config\.json says the network was trained on CartPole-v1/);
  });

  it('refuses a --record path that is not a .gif', () => {
    const r = evoscale('rollout', '--record', join(dir, 'out.mp4'));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--record writes animated GIFs: give a path ending in \.gif/);
  });
});
