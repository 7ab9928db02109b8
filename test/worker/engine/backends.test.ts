import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendUnavailableError, loadBackend, parseBackend } from '../../../src/worker/engine/backends.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';

const installed = async (name: string): Promise<boolean> =>
  import(name).then(
    () => true,
    () => false,
  );
const nodeGpu = await installed('@tensorflow/tfjs-node-gpu');
const nodeCpu = await installed('@tensorflow/tfjs-node');

describe('backends', () => {
  it('accepts the five names and refuses others, naming where the value came from and the choices', () => {
    for (const b of ['auto', 'cpu', 'tfjs', 'tfjs-node', 'tfjs-node-gpu']) assert.equal(parseBackend(b, 'x'), b);
    assert.throws(
      () => parseBackend('cuda', 'settings.exp2.backend'),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        /^settings\.exp2\.backend: backend must be one of auto, cpu, tfjs, tfjs-node, tfjs-node-gpu; got "cuda"$/.test(
          e.message,
        ),
    );
    assert.throws(() => parseBackend(3, 'backend'), /got 3/);
  });

  it("'cpu' needs no package and reports 'cpu'", async () => {
    const b = await loadBackend('cpu');
    assert.equal(b.label, 'cpu');
    assert.equal(b.tf, undefined);
  });

  it("'tfjs' loads the pure TensorFlow.js package and reports the backend it really runs on", async () => {
    const b = await loadBackend('tfjs');
    assert.equal(b.name, 'tfjs');
    assert.match(b.label, /^tfjs:(cpu|wasm|webgl)$/);
    assert.equal(b.label, `tfjs:${b.tf?.getBackend()}`);
  });

  it("'auto' takes tfjs-node-gpu, then tfjs-node, then the CPU kernels, whichever is installed", async () => {
    const b = await loadBackend('auto');
    assert.equal(b.name, nodeGpu ? 'tfjs-node-gpu' : nodeCpu ? 'tfjs-node' : 'cpu');
  });

  for (const name of ['tfjs-node', 'tfjs-node-gpu'] as const) {
    it(`refuses '${name}' when it is not installed, with the command that installs it`, async (t) => {
      if (await installed(`@tensorflow/${name}`)) return t.skip(`@tensorflow/${name} is installed here`);
      await assert.rejects(
        loadBackend(name),
        (e: unknown) =>
          e instanceof BackendUnavailableError &&
          e.code === 'BACKEND_UNAVAILABLE' &&
          e.message.includes(`npm install @tensorflow/${name}`) &&
          e.message.includes('--backend'),
      );
    });
  }
});
