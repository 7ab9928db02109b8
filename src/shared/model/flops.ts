/**
 * FLOPs as the research proposal counts them: a multiply-add is 2 FLOPs; a forward pass costs
 * Σ 2·in·out per sample (biases and activations are not counted), a backward pass twice the forward.
 * With these conventions experiment 1 at 30k samples gives DL 6.39e10 (150 epochs) and GA 1.42e12 for 100
 * generations × 100 agents; the proposal's printed 1.44e12 is exactly 101 population evaluations (the initial
 * population's too), which callers get by counting every evaluation they run.
 */
import { layout, type MlpSpec } from './mlp.js';

/** Forward FLOPs for one sample. */
export function forwardFlopsPerSample(spec: MlpSpec): number {
  return layout(spec).reduce((f, l) => f + 2 * l.inputs * l.outputs, 0);
}

/** Forward + backward FLOPs for one training sample (backward = 2 × forward). */
export function trainFlopsPerSample(spec: MlpSpec): number {
  return 3 * forwardFlopsPerSample(spec);
}

/** Gradient training: every epoch runs forward + backward on every sample. */
export function sgdFlops(spec: MlpSpec, samplesSeen: number): number {
  return trainFlopsPerSample(spec) * samplesSeen;
}

/** Neuroevolution: fitness evaluations are forward passes only. */
export function neuroevolutionFlops(spec: MlpSpec, agentSampleEvaluations: number): number {
  return forwardFlopsPerSample(spec) * agentSampleEvaluations;
}

/**
 * Planned FLOPs of one NE generation: every agent runs a forward pass on every row of its fitness batch, so the
 * fitness batch (32 rows in the proposal's text, up to 3 200 in its code) multiplies an NE trial's compute.
 */
export function neGenerationFlops(spec: MlpSpec, populationSize: number, fitnessRows: number): number {
  return neuroevolutionFlops(spec, populationSize * fitnessRows);
}

/** Planned FLOPs of one SGD step on a batch of `batchSize` rows (forward + backward). */
export function sgdStepFlops(spec: MlpSpec, batchSize: number): number {
  return sgdFlops(spec, batchSize);
}
