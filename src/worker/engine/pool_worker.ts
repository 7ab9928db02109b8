/**
 * A CpuPool thread: waits on its control slot, varies and evaluates the rows it claims (writing them into
 * the shared population state and its fitness into the shared output), then signals completion. The
 * thread that claims from the back then draws the next generation's normals for the rows at the back,
 * while the caller runs `tell`, until the next job arrives (at most 32 MiB of them): the variation of a
 * row depends on the state only through θ and σ, its normals only on (seed, generation, agent).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AlgorithmConfig, EvolutionState } from '../../shared/algorithms/types.js';
import type { MlpSpec } from '../../shared/model/mlp.js';
import { agentKernel, varyAndEvaluateClaimed } from './generation.js';
import { CTRL, FITNESS_CODES, type PoolMessage } from './pool_protocol.js';

const {
  ctrl: sab,
  base,
  claims,
  port,
} = workerData as { ctrl: SharedArrayBuffer; base: number; claims: number; port: MessagePort };
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

/** What the back-claiming thread draws ahead once a job is done: the next generation's normals of its rows. */
interface DrawAhead {
  spec: MlpSpec;
  seed: number;
  generation: number;
  adaptive: boolean;
  start: number;
  end: number;
}

function runJob(): DrawAhead | undefined {
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
  varyAndEvaluateClaimed(
    {
      spec,
      state,
      x: x.subarray(0, n * spec.inputs),
      y: y.subarray(0, n),
      n,
      fitness: FITNESS_CODES[ctrl[base + CTRL.fitness]],
      trials: ctrl[base + CTRL.trials],
      start,
      end,
    },
    ctrl,
    claims,
    ctrl[base + CTRL.fromBack] === 1 ? 'back' : 'front',
    ctrl[base + CTRL.threads],
    ctrl[base + CTRL.maxClaim],
    get<Float32Array>(arrays, CTRL.out),
  );
  const mutation = state.config.mutation;
  if (ctrl[base + CTRL.fromBack] !== 1 || (mutation.mode === 'fixed_sigma' && mutation.probability < 1)) return;
  // Variation keys every row by (seed, generation, agent) alone: the next generation's normals are known now.
  const adaptive = mutation.mode === 'adaptive_sigma';
  return { spec, seed: state.seed, generation: state.generation + 1, adaptive, start, end };
}

/** Set if drawing ahead ever failed: it only saves time, so this thread just stops doing it. */
let drawAheadFailed = false;

// Sleeps between jobs rather than polling: polling (or spinning a few hundred µs before sleeping) was
// measured slower on a shared two-core machine, where a spinning thread takes time from the one doing the work.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, base + CTRL.jobSeq, seen);
  const seq = Atomics.load(ctrl, base + CTRL.jobSeq);
  if (seq === seen) continue;
  if (seq === -1) break;
  seen = seq;
  ctrl[base + CTRL.status] = 0;
  let ahead: DrawAhead | undefined;
  try {
    ahead = runJob();
  } catch (e) {
    ctrl[base + CTRL.status] = 1;
    port.postMessage({ message: (e as Error).message });
  }
  Atomics.store(ctrl, base + CTRL.doneSeq, seq);
  Atomics.notify(ctrl, base + CTRL.doneSeq);
  // While the caller runs `tell`, draw the next generation's normals, until its next job arrives.
  if (ahead !== undefined && !drawAheadFailed) {
    const a = ahead;
    try {
      agentKernel(a.spec)?.drawAhead(a.seed, a.generation, a.adaptive, a.start, a.end, () => {
        return Atomics.load(ctrl, base + CTRL.jobSeq) !== seen;
      });
    } catch {
      drawAheadFailed = true;
    }
  }
}
port.close();
