/**
 * A CpuPool thread: waits on its control slot, varies and evaluates the rows it is given (writing them
 * into the shared population state and its fitness into the shared output), then signals completion.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AlgorithmConfig, EvolutionState } from '../../shared/algorithms/types.js';
import type { MlpSpec } from '../../shared/model/mlp.js';
import { varyAndEvaluateRows } from './generation.js';
import { CTRL, FITNESS_CODES, type PoolMessage } from './pool_protocol.js';

const { ctrl: sab, base, port } = workerData as { ctrl: SharedArrayBuffer; base: number; port: MessagePort };
const ctrl = new Int32Array(sab);
const ctrlF64 = new Float64Array(sab);
const arrays = new Map<number, Float32Array | Int32Array | Uint8Array | Float64Array>();
const specs = new Map<number, MlpSpec>();
const configs = new Map<number, AlgorithmConfig>();
let noise = new Float32Array(0);
let noise2 = new Float32Array(0);

function drain(): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const msg = m.message as PoolMessage;
    if (msg.type === 'array') arrays.set(msg.id, msg.array);
    else if (msg.type === 'spec') specs.set(msg.id, msg.spec);
    else if (msg.type === 'config') configs.set(msg.id, msg.config);
    else {
      arrays.delete(msg.id);
      configs.delete(msg.id);
    }
  }
}

function get<T>(map: Map<number, unknown>, word: number): T {
  const value = map.get(ctrl[base + word]);
  if (value === undefined) throw new Error(`control word ${word} names unknown id ${ctrl[base + word]}`);
  return value as T;
}

function runJob(): void {
  drain();
  const numParams = ctrl[base + CTRL.numParams];
  if (noise.length !== numParams) {
    noise = new Float32Array(numParams);
    noise2 = new Float32Array(numParams);
  }
  const hasSigma = ctrl[base + CTRL.hasSigma] === 1;
  const state: EvolutionState = {
    config: get<AlgorithmConfig>(configs, CTRL.config),
    seed: ctrlF64[(base >> 1) + CTRL.seedF64],
    generation: ctrl[base + CTRL.generation],
    populationSize: ctrl[base + CTRL.populationSize],
    numParams,
    params: get<Float32Array>(arrays, CTRL.params),
    sigma: hasSigma ? get<Float32Array>(arrays, CTRL.sigma) : new Float32Array(0),
    protectedRows: ctrl[base + CTRL.protectedRows],
    bestIndex: 0,
    bestFitness: NaN,
    scratch: {
      population: get<Float32Array>(arrays, CTRL.population),
      populationSigma: hasSigma ? get<Float32Array>(arrays, CTRL.populationSigma) : new Float32Array(0),
      varied: get<Uint8Array>(arrays, CTRL.varied),
      epoch: get<Float64Array>(arrays, CTRL.epoch),
      noise,
      noise2,
    },
  };
  const n = ctrl[base + CTRL.n];
  const spec = get<MlpSpec>(specs, CTRL.spec);
  const start = ctrl[base + CTRL.start];
  const end = ctrl[base + CTRL.end];
  const x = get<Float32Array>(arrays, CTRL.x);
  const y = get<Int32Array>(arrays, CTRL.y);
  varyAndEvaluateRows(
    {
      spec,
      state,
      x: x.subarray(0, n * spec.inputs),
      y: y.subarray(0, n),
      n,
      fitness: FITNESS_CODES[ctrl[base + CTRL.fitness]],
      trials: ctrl[base + CTRL.trials],
    },
    start,
    end,
    get<Float32Array>(arrays, CTRL.out),
    start,
  );
}

// Sleeps between jobs rather than polling: polling was measured slower on a shared two-core machine,
// where a spinning thread takes time from the one doing the work.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, base + CTRL.jobSeq, seen);
  const seq = Atomics.load(ctrl, base + CTRL.jobSeq);
  if (seq === seen) continue;
  if (seq === -1) break;
  seen = seq;
  ctrl[base + CTRL.status] = 0;
  try {
    runJob();
  } catch (e) {
    ctrl[base + CTRL.status] = 1;
    port.postMessage({ message: (e as Error).message });
  }
  Atomics.store(ctrl, base + CTRL.doneSeq, seq);
  Atomics.notify(ctrl, base + CTRL.doneSeq);
}
port.close();
