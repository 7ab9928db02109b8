import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '../../../src/shared/model/safetensors.js';
import type { Float32Tensor } from '../../../src/shared/model/safetensors.js';
import { EXP1_MLP, initParams, paramCount } from '../../../src/shared/model/mlp.js';
import { mlpFromSafetensors, mlpToSafetensors, modelCard, torchTensorNames } from '../../../src/shared/model/torch.js';
import { CounterRng } from '../../../src/shared/rng/index.js';

const tensors = (): Map<string, Float32Tensor> =>
  new Map([
    ['0.weight', { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -0.5) }],
    ['0.bias', { shape: [2], data: Float32Array.of(0.25, -7) }],
  ]);

describe('safetensors', () => {
  it('lays a file out as the format says: u64 header length, space-padded JSON header, little-endian data', () => {
    const bytes = encodeSafetensors(tensors(), { format: 'pt' });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(view.getBigUint64(0, true));
    assert.equal(n % 8, 0, 'the header is padded to a multiple of 8 bytes');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    assert.deepEqual(header, {
      __metadata__: { format: 'pt' },
      '0.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      '0.bias': { dtype: 'F32', shape: [2], data_offsets: [24, 32] },
    });
    assert.equal(bytes.length, 8 + n + 32);
    assert.equal(view.getFloat32(8 + n + 5 * 4, true), -0.5);
    assert.equal(view.getFloat32(8 + n + 7 * 4, true), -7);
  });

  it('reads back what it wrote, names, shapes, values and metadata', () => {
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors(), { a: 'b' }));
    assert.deepEqual(metadata, { a: 'b' });
    assert.deepEqual([...back.keys()], ['0.weight', '0.bias']);
    for (const [name, t] of tensors()) {
      assert.deepEqual(back.get(name)?.shape, t.shape);
      assert.deepEqual(back.get(name)?.data, t.data);
    }
  });

  it('refuses malformed files with a message naming the problem', () => {
    const good = encodeSafetensors(tensors());
    assert.throws(
      () => decodeSafetensors(good.subarray(0, 4), 'x.safetensors'),
      /x\.safetensors: 4 bytes is too short/,
    );
    assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4)), /bytes do not hold|outside/);
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    assert.throws(() => decodeSafetensors(extra), /4 bytes after the last tensor/);
    assert.throws(
      () => encodeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]])),
      SafetensorsError,
    );
  });
});

describe("an MLP as PyTorch's nn.Sequential", () => {
  it('names tensors by module index (Linear, activation, Linear, …) with weights [out, in]', () => {
    assert.deepEqual(torchTensorNames(EXP1_MLP), ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    const params = initParams(EXP1_MLP, CounterRng.from(1));
    const { tensors: t } = decodeSafetensors(mlpToSafetensors(EXP1_MLP, params));
    assert.deepEqual(t.get('0.weight')?.shape, [64, 4]);
    assert.deepEqual(t.get('2.weight')?.shape, [32, 64]);
    assert.deepEqual(t.get('4.bias')?.shape, [2]);
    // The flat layout stores W row-major out × in first: row 1 of layer 0 starts at flat index 4.
    assert.equal(t.get('0.weight')?.data[4], params[4]);
    assert.equal(t.get('0.bias')?.data[0], params[64 * 4]);
  });

  it('round-trips spec and parameters, and records the architecture card', () => {
    const params = initParams(EXP1_MLP, CounterRng.from(2));
    const { spec, params: back, card } = mlpFromSafetensors(mlpToSafetensors(EXP1_MLP, params));
    assert.deepEqual(spec, EXP1_MLP);
    assert.deepEqual(back, params);
    assert.deepEqual(card, modelCard(EXP1_MLP));
    assert.equal(card?.parameters, paramCount(EXP1_MLP));
    assert.equal(card?.torchActivation, 'ReLU');
  });

  it('refuses a parameter vector of the wrong length', () => {
    assert.throws(() => mlpToSafetensors(EXP1_MLP, new Float32Array(10)), /has 2466 parameters, got 10/);
  });
});
