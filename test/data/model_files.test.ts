import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportParamsFile, readTorchModel, writeTorchModel } from '../../src/data/model_files.js';
import { make } from '../../src/shared/envs/registry.js';
import { EXP1_MLP, expMlp, forward, initParams } from '../../src/shared/model/mlp.js';
import type { MlpSpec } from '../../src/shared/model/mlp.js';
import { CounterRng } from '../../src/shared/rng/index.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-model-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * The README's loading lines, run by PyTorch. Where Python's `safetensors` package is missing (Debian does not
 * package it), the file is read by a plain NumPy reader of the format instead.
 */
const TORCH_SCRIPT = `
import json, struct, sys
import numpy as np, torch
folder, obs = sys.argv[1], np.array(json.loads(sys.stdin.read()), dtype=np.float32)
try:
    from safetensors.torch import load_file
    reader = "safetensors"
except ImportError:
    reader = "numpy"
    def load_file(path):
        raw = open(path, "rb").read()
        n = struct.unpack("<Q", raw[:8])[0]
        header, data = json.loads(raw[8 : 8 + n]), raw[8 + n :]
        return {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0] : v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).copy())
                for k, v in header.items() if k != "__metadata__"}
# --- the README's lines, in the model's folder ---
card = json.load(open(f"{folder}/model.json"))
act, sizes = getattr(torch.nn, card["torchActivation"]), card["layers"]
net = torch.nn.Sequential(*[m for a, b in zip(sizes, sizes[1:]) for m in (torch.nn.Linear(a, b), act())][:-1])
net.load_state_dict(load_file(f"{folder}/model.safetensors"))
# ---
with torch.no_grad():
    logits = net(torch.from_numpy(obs)).numpy()
print(json.dumps({"reader": reader, "torch": torch.__version__, "logits": [float(v) for v in logits.ravel()]}))
`;

/** A Python with torch: the PATH's python3 or Debian's (apt's python3-torch installs there). */
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 }).status === 0,
);

/** Real observations: CartPole states from a few seeded episodes. */
function observations(count: number): Float32Array {
  const env = make('CartPole-v1');
  const out = new Float32Array(count * 4);
  let r = env.reset({ seed: 11 });
  for (let s = 0; s < count; s++) {
    out.set(r.obs, s * 4);
    const step = env.step(s % 3 === 0 ? 0 : 1);
    r = step.terminated || step.truncated ? env.reset() : step;
  }
  return out;
}

describe('model.safetensors + model.json', () => {
  it('writes the architecture and the env it plays, and reads back the same network', () => {
    const params = initParams(EXP1_MLP, CounterRng.from(3));
    const card = writeTorchModel(join(root, 'a'), EXP1_MLP, params, 'CartPole-v1');
    const json = JSON.parse(readFileSync(join(root, 'a', 'model.json'), 'utf8'));
    assert.deepEqual(json, JSON.parse(JSON.stringify(card)));
    assert.deepEqual(json.layers, [4, 64, 32, 2]);
    assert.equal(json.env.id, 'CartPole-v1');
    assert.deepEqual(json.env.observationShape, [4]);
    const bound = (v: number): number | null => (Number.isFinite(v) ? v : null); // JSON has no Infinity
    assert.deepEqual(json.env.observationLow, Array.from(make('CartPole-v1').observationSpace.low, bound));
    assert.equal(json.env.extraInputs, undefined);
    assert.equal(json.env.actions, 2);
    const back = readTorchModel(join(root, 'a'));
    assert.deepEqual(back.spec, EXP1_MLP);
    assert.deepEqual(back.params, params);
  });

  it('exports a raw params file (final_params.f32) beside it', () => {
    const spec = expMlp(6, 3);
    const params = initParams(spec, CounterRng.from(4));
    const file = join(root, 'b', 'final_params.f32');
    writeTorchModel(join(root, 'b'), spec, params); // creates the folder
    writeFileSync(file, new Uint8Array(params.buffer));
    exportParamsFile(file, spec, { envId: 'Acrobot-v1' });
    assert.deepEqual(readTorchModel(join(root, 'b')).params, params);
    assert.equal(JSON.parse(readFileSync(join(root, 'b', 'model.json'), 'utf8')).env.id, 'Acrobot-v1');
    assert.throws(() => readTorchModel(join(root, 'nowhere')), /does not exist/);
    assert.throws(() => writeTorchModel(join(root, 'c'), spec, params, 'Acrobat-v1'), /unknown environment id/);
    assert.equal(writeTorchModel(join(root, 'c'), spec, params, 'Acrobat-v1', { ifEnvUnknown: 'omit' }).env, undefined);
  });

  for (const spec of [EXP1_MLP, expMlp(4, 2)] as MlpSpec[]) {
    const arch = `${[spec.inputs, ...spec.hidden, spec.outputs].join('-')} ${spec.activation}`;
    it(`loads into PyTorch's nn.Sequential and gives evoscale's logits (${arch})`, (t) => {
      if (python === undefined) {
        t.skip('PyTorch not found (apt-get install -y python3-torch)');
        return;
      }
      const params = initParams(spec, CounterRng.from(7));
      // Larger weights than the init's make the activations matter.
      for (let i = 0; i < params.length; i++) params[i] *= 3;
      const dir = join(root, `torch-${spec.activation}`);
      writeTorchModel(dir, spec, params, 'CartPole-v1');
      const n = 64;
      const obs = observations(n);
      const res = spawnSync(python, ['-c', TORCH_SCRIPT, dir], {
        input: JSON.stringify(Array.from({ length: n }, (_, s) => Array.from(obs.subarray(4 * s, 4 * s + 4)))),
        encoding: 'utf8',
        timeout: 300_000,
      });
      assert.equal(res.status, 0, res.stderr);
      const out = JSON.parse(res.stdout) as { reader: string; torch: string; logits: number[] };
      t.diagnostic(`read by ${out.reader}, torch ${out.torch}`);
      const ours = forward(spec, params, obs, n, new Float32Array(n * spec.outputs));
      assert.equal(out.logits.length, ours.length);
      // Both compute in float32 but may sum in different orders: agreement to a few float32 ulps of the scale.
      const tol = (v: number): number => 1e-5 * Math.max(1, Math.abs(v));
      out.logits.forEach((v, i) => assert.ok(Math.abs(v - ours[i]) <= tol(v), `logit ${i}: torch ${v}, evoscale ${ours[i]}`)); // prettier-ignore
    });
  }
});
