import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/worker/engine/index.js';

const installed = (name: string): Promise<boolean> =>
  import(name).then(
    () => true,
    () => false,
  );
const tfjsNodeGpu = await installed('@tensorflow/tfjs-node-gpu');
const tfjsNode = await installed('@tensorflow/tfjs-node');

describe('createEngine', () => {
  it("'auto' runs on the CPU kernels where neither native TensorFlow.js package is installed (the project needs none)", async (t) => {
    if (tfjsNodeGpu || tfjsNode) return t.skip('a native TensorFlow.js package is installed here');
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
