/**
 * TensorFlow.js backend: the whole shard as batched matrix products (agents × samples), for GPU workers.
 * Uses @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node when installed (native libtensorflow), else the
 * pure-JS @tensorflow/tfjs package. Fitness is computed from TensorFlow.js's own logits with the CPU kernel's
 * definitions (same cross-entropy, argmax and keyed sampling), so the backends agree to float32 tolerance.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { layout, paramCount } from '../../shared/model/mlp.js';
import { fitnessFromLogits, type FitnessScratch } from './js_kernel.js';
import type { EvaluationEngine, ShardRequest } from './types.js';
import type { LoadedBackend } from './backends.js';
import { loadTf, tfOf, type Tf } from './tf_module.js';

export class TfjsEngine implements EvaluationEngine {
  private constructor(
    private readonly tf: Tf,
    readonly backend: string,
  ) {}

  static async create(preferred: 'auto' | 'tfjs' | 'tfjs-node' | 'tfjs-node-gpu' = 'auto'): Promise<TfjsEngine> {
    const { tf, flavour } = await loadTf(preferred);
    return new TfjsEngine(tf, flavour);
  }

  /** An engine on an already loaded TensorFlow.js backend (see loadBackend). */
  static fromBackend(loaded: LoadedBackend): TfjsEngine {
    if (loaded.tf === undefined) {
      throw new InvalidArgumentError(`TfjsEngine needs a TensorFlow.js backend; got '${loaded.label}'`);
    }
    return new TfjsEngine(tfOf(loaded.tf), loaded.label);
  }

  async evaluate(req: ShardRequest): Promise<Float32Array> {
    return this.evaluateSync(req);
  }

  /**
   * `evaluate` without the promise, for the synchronous trial loop: it waits for the backend's result
   * (dataSync), which every TensorFlow.js backend in Node supports.
   */
  evaluateSync(req: ShardRequest): Float32Array {
    const tf = this.tf;
    const { spec, n } = req;
    const A = req.end - req.start;
    const P = paramCount(spec);
    const k = spec.outputs;
    const layers = layout(spec);
    const logits = tf.tidy(() => {
      const x = req.x.subarray(0, n * spec.inputs);
      let h: import('@tensorflow/tfjs').Tensor3D = tf.tile(tf.tensor3d(x, [1, n, spec.inputs]), [A, 1, 1]);
      const all = tf.tensor2d(req.params.subarray(0, A * P), [A, P]);
      layers.forEach((l, li) => {
        const W = all
          .slice([0, l.weightOffset], [A, l.inputs * l.outputs])
          .reshape([A, l.outputs, l.inputs]) as import('@tensorflow/tfjs').Tensor3D;
        const b = all.slice([0, l.biasOffset], [A, l.outputs]).reshape([A, 1, l.outputs]);
        let z = tf.add(tf.matMul(h, W, false, true), b) as import('@tensorflow/tfjs').Tensor3D;
        if (li < layers.length - 1) z = spec.activation === 'relu' ? tf.relu(z) : tf.tanh(z);
        h = z;
      });
      return h;
    });
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    const out = new Float32Array(A);
    const y = req.y.length === n ? req.y : req.y.subarray(0, n);
    const scratch: FitnessScratch = { pred: new Int32Array(n), counts: new Float64Array(3 * k) };
    const trials = req.trials ?? 10;
    for (let a = 0; a < A; a++) {
      const logitsOfAgent = data.subarray(a * n * k, (a + 1) * n * k);
      out[a] = fitnessFromLogits(
        req.fitness,
        logitsOfAgent,
        y,
        n,
        k,
        trials,
        req.seed,
        req.generation,
        req.start + a,
        scratch,
      );
    }
    return out;
  }

  async close(): Promise<void> {}
}
