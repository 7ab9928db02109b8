/**
 * Supervised training in one call, for library users and examples: picks the SGD backend, runs a number of
 * epochs or steps, and records train loss, test loss, test macro-F1 and action-match as it goes. The
 * experiment runner drives the steppers itself (budgets, checkpoints); this is the convenient path.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { actionMatch, crossEntropy, macroF1 } from '../../shared/fitness/metrics.js';
import { sgdFlops } from '../../shared/model/flops.js';
import { argmaxRows, forward, forwardScratch, type MlpSpec } from '../../shared/model/mlp.js';
import { loadBackend, type BackendName } from '../engine/backends.js';
import { TfjsSgdTrainer, checkTrainerOptions } from './tfjs_trainer.js';
import { SgdTrainer, type LabelledData, type SgdTrainerOptions } from './trainer.js';

/** Where SGD runs: 'cpu' the hand-written kernels; 'auto' the best installed (see loadBackend). */
export type SgdBackend = BackendName;

/** What every SGD backend offers: one optimizer step at a time, and the parameters in the shared layout. */
export interface SupervisedTrainer {
  /** The backend that really runs ('cpu', 'tfjs:cpu', 'tfjs-node-gpu:tensorflow', …). */
  readonly backend: string;
  readonly stepsPerEpoch: number;
  readonly epoch: number;
  readonly steps: number;
  readonly samplesSeen: number;
  /** One optimizer step on the next mini-batch; returns its mean loss. */
  step(): number;
  /** A copy of the current parameters. */
  getParams(): Float32Array;
  dispose(): void;
}

/** A stepper for `backend` (default 'cpu'); fails with what to install when a TensorFlow.js package is missing. */
export async function createSgdTrainer(
  options: SgdTrainerOptions & { backend?: SgdBackend },
): Promise<SupervisedTrainer> {
  checkTrainerOptions(options);
  const loaded = await loadBackend(options.backend ?? 'cpu');
  return loaded.tf === undefined ? cpuTrainer(new SgdTrainer(options)) : TfjsSgdTrainer.fromBackend(options, loaded);
}

function cpuTrainer(t: SgdTrainer): SupervisedTrainer {
  return {
    backend: 'cpu',
    stepsPerEpoch: t.stepsPerEpoch,
    get epoch() {
      return t.epoch;
    },
    get steps() {
      return t.steps;
    },
    get samplesSeen() {
      return t.samplesSeen;
    },
    step: () => t.step(),
    getParams: () => Float32Array.from(t.params),
    dispose: () => {},
  };
}

/** Scores of a network on a labelled set: greedy (argmax) actions. */
export interface ClassifierScores {
  readonly loss: number;
  readonly macroF1: number;
  readonly actionMatch: number;
}

/** One row of a training history. */
export interface TrainingRecord {
  readonly epoch: number;
  readonly steps: number;
  readonly samplesSeen: number;
  /** Mean of the mini-batch losses since the previous record, weighted by batch size. */
  readonly trainLoss: number;
  /** Scores on `test`, when a test set was given. */
  readonly test?: ClassifierScores;
  /** Training FLOPs so far, as the research proposal counts them (forward + backward per sample). */
  readonly flops: number;
}

export interface TrainSupervisedOptions extends SgdTrainerOptions {
  readonly backend?: SgdBackend;
  /** Train for this many epochs… */
  readonly epochs?: number;
  /** …or this many optimizer steps (give exactly one of the two). */
  readonly steps?: number;
  readonly test?: LabelledData;
  /** Record every this many steps (default: at the end of every epoch). */
  readonly recordEvery?: number;
  readonly onProgress?: (record: TrainingRecord) => void;
}

export interface TrainingResult {
  readonly params: Float32Array;
  readonly history: TrainingRecord[];
  readonly backend: string;
}

/** Scores `params` on labelled data: mean cross-entropy, macro-F1 and action-match of the argmax actions. */
export function scoreClassifier(spec: MlpSpec, params: Float32Array, data: LabelledData): ClassifierScores {
  const k = spec.outputs;
  const logits = new Float32Array(data.n * k);
  forward(spec, params, data.x, data.n, logits, forwardScratch(spec, data.n));
  const y = Array.from({ length: data.n }, (_, i) => data.y[i]);
  const pred = argmaxRows(logits, data.n, k);
  return { loss: crossEntropy(logits, y, k), macroF1: macroF1(y, pred), actionMatch: actionMatch(y, pred) };
}

/** Trains `params` for `epochs` or `steps` and returns the final parameters with the history of scores. */
export async function trainSupervised(options: TrainSupervisedOptions): Promise<TrainingResult> {
  const { epochs, steps } = options;
  if ((epochs === undefined) === (steps === undefined)) {
    throw new InvalidArgumentError('trainSupervised needs exactly one of `epochs` or `steps`');
  }
  const count = (epochs ?? steps) as number;
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(
      `${epochs !== undefined ? 'epochs' : 'steps'} must be a non-negative integer, got ${count}`,
    );
  }
  const every = options.recordEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
    throw new InvalidArgumentError(`recordEvery must be a positive number of steps, got ${every}`);
  }
  const trainer = await createSgdTrainer(options);
  try {
    const totalSteps = epochs !== undefined ? epochs * trainer.stepsPerEpoch : count;
    const history: TrainingRecord[] = [];
    let lossSum = 0;
    let lossSamples = 0;
    const record = (): void => {
      const params = trainer.getParams();
      const r: TrainingRecord = {
        epoch: trainer.epoch,
        steps: trainer.steps,
        samplesSeen: trainer.samplesSeen,
        trainLoss: lossSamples > 0 ? lossSum / lossSamples : NaN,
        ...(options.test ? { test: scoreClassifier(options.spec, params, options.test) } : {}),
        flops: sgdFlops(options.spec, trainer.samplesSeen),
      };
      history.push(r);
      options.onProgress?.(r);
      lossSum = 0;
      lossSamples = 0;
    };
    for (let s = 0; s < totalSteps; s++) {
      const before = trainer.samplesSeen;
      const loss = trainer.step();
      const n = trainer.samplesSeen - before;
      lossSum += loss * n;
      lossSamples += n;
      const due = every !== undefined ? trainer.steps % every === 0 : trainer.steps % trainer.stepsPerEpoch === 0;
      if (due || s === totalSteps - 1) record();
    }
    return { params: trainer.getParams(), history, backend: trainer.backend };
  } finally {
    trainer.dispose();
  }
}
