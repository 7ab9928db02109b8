import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/worker/engine/index.js';

const tfjsNodeGpu = await import('@tensorflow/tfjs-node-gpu' as string).then(
  () => true,
  () => false,
);

describe('createEngine', () => {
  it("'auto' runs on the CPU kernels where @tensorflow/tfjs-node-gpu is not installed (the project needs no native package)", async (t) => {
    if (tfjsNodeGpu) return t.skip('@tensorflow/tfjs-node-gpu is installed here');
    const engine = await createEngine('auto');
    await engine.close();
    assert.equal(engine.backend, 'cpu');
  });

  it("'tfjs' reports the TensorFlow.js backend that really runs (tf.getBackend()), not the one asked for", async () => {
    const engine = await createEngine('tfjs');
    await engine.close();
    assert.match(engine.backend, /^tfjs:(cpu|wasm|webgl)$/);
  });

  it('fails with what to install when a native TensorFlow.js package is asked for but missing', async (t) => {
    if (tfjsNodeGpu) return t.skip('@tensorflow/tfjs-node-gpu is installed here');
    await assert.rejects(createEngine('tfjs-node-gpu'), /install|--backend cpu/);
  });
});
