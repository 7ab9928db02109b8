/**
 * A pool of worker threads that vary and evaluate one population in shared memory, with the calling
 * thread working too. Populations come from `shareState`, whose arrays live in SharedArrayBuffers: each
 * thread writes its varied rows straight into the state (where `tell` reuses them) and its fitness values
 * into a shared array. Threads claim rows a few at a time from shared counters rather than taking fixed
 * shares, so one that wakes late or is slowed by another process leaves its rows to the others; the first
 * worker claims from the back of the range, whose next-generation normals it draws while the caller runs
 * `tell` (the one stretch where it would otherwise sit idle), and the others from the front. Jobs are
 * signalled through Atomics on a shared control block (microseconds, where a postMessage round trip costs
 * tens); arrays and configurations are posted once, when first seen. Results do not depend on the number
 * of threads or on who computed which row: every row's noise is keyed by (seed, generation, agent).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread, workerModule } from '../../platform/threads.js';
import { EvoscaleError, InvalidArgumentError } from '../../shared/errors.js';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import {
  checkPopulationRequest,
  varyAndEvaluateClaimed,
  varyAndEvaluateRows,
  type PopulationRequest,
} from './generation.js';
import { CTRL, CTRL_INTS, FITNESS_CODES, claimIndex, type PoolMessage } from './pool_protocol.js';

/** A worker thread failed or stopped answering. */
export class EnginePoolError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'ENGINE_POOL');
  }
}

/** Rows below which a share is not worth a thread's wake-up. */
const MIN_ROWS_PER_THREAD = 4;
/** Most rows one claim takes (threads also stop at the agent kernel's chunk, 25 rows for 8→50→4). */
const MAX_CLAIM = 32;
/**
 * How long the caller spins on a worker's last claim before sleeping (ms): a claim takes tens of µs to
 * finish, about what a sleeping thread takes to be woken on a busy virtual machine.
 */
const SPIN_MS = 1;
/** How long the caller waits for a thread's share before declaring it dead (ms). */
const WORKER_TIMEOUT_MS = 120_000;

interface Slot {
  worker: Worker;
  port: MessagePort;
  seq: number;
  dead?: string;
}

function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

function growShared<T extends Float32Array | Int32Array>(
  current: T,
  length: number,
  make: (sab: SharedArrayBuffer) => T,
): T {
  if (current.length >= length) return current;
  return make(new SharedArrayBuffer(Math.max(length, 2 * current.length) * 4));
}

export class CpuPool {
  /** Threads that run shares, counting the caller's. */
  readonly threads: number;
  private readonly slots: Slot[];
  private readonly ctrl: Int32Array;
  private readonly ctrlF64: Float64Array;
  private readonly ids = new WeakMap<object, number>();
  private readonly specIds = new Map<string, number>();
  private readonly specObjects = new WeakMap<PopulationRequest['spec'], number>();
  /** Tells the workers to drop an array or configuration once this thread no longer holds it. */
  private readonly released = new FinalizationRegistry<number>((id) => {
    if (this.closed) return;
    const m: PoolMessage = { type: 'release', id };
    for (const s of this.slots) if (s.dead === undefined) s.port.postMessage(m);
  });
  private nextId = 1;
  private x = new Float32Array(new SharedArrayBuffer(4));
  private y = new Int32Array(new SharedArrayBuffer(4));
  private out = new Float32Array(new SharedArrayBuffer(4));
  private closed = false;

  /** A pool of `threads` threads in all (default: the machine's available parallelism), the caller being one. */
  constructor(threads: number = availableParallelism()) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidArgumentError(`threads must be a positive integer (got ${threads}); use 1 to evaluate inline`);
    }
    this.threads = threads;
    const workers = threads - 1;
    // One slot per worker, then the pool-wide words (the claim counters).
    const sab = new SharedArrayBuffer((workers + 1) * CTRL_INTS * 4);
    this.ctrl = new Int32Array(sab);
    this.ctrlF64 = new Float64Array(sab);
    this.slots = [];
    for (let w = 0; w < workers; w++) this.slots.push(this.spawn(w, sab));
  }

  private spawn(index: number, sab: SharedArrayBuffer): Slot {
    const { port1, port2 } = new MessageChannel();
    const workerData = { ctrl: sab, base: index * CTRL_INTS, claims: claimIndex(this.threads - 1), port: port2 };
    const worker = startThread(workerModule(import.meta.url, './pool_worker'), { workerData, transferList: [port2] });
    const slot: Slot = { worker, port: port1, seq: 0 };
    worker.on('error', (e) => (slot.dead = `worker thread ${index} failed: ${e.message}`));
    worker.on('exit', (code) => (slot.dead ??= `worker thread ${index} exited (code ${code})`));
    worker.unref();
    return slot;
  }

  /**
   * Id of a shared array or configuration object, posting it to every worker the first time; the workers
   * drop it when this thread's copy is garbage-collected, so a long-lived pool serving run after run
   * does not accumulate old populations.
   */
  private idOf(value: object, message: (id: number) => PoolMessage): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
      this.released.register(value, id);
      const m = message(id);
      for (const s of this.slots) s.port.postMessage(m);
    }
    return id;
  }

  /** Id of a network shape (by value: callers may build a new spec object every generation). */
  private specId(spec: PopulationRequest['spec']): number {
    // The same (readonly) spec object again, as in a run's every generation: no key to build.
    const known = this.specObjects.get(spec);
    if (known !== undefined) return known;
    const key = JSON.stringify([spec.inputs, spec.hidden, spec.outputs, spec.activation]);
    let id = this.specIds.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.specIds.set(key, id);
      const m: PoolMessage = {
        type: 'spec',
        id,
        spec: { inputs: spec.inputs, hidden: [...spec.hidden], outputs: spec.outputs, activation: spec.activation },
      };
      for (const s of this.slots) s.port.postMessage(m);
    }
    this.specObjects.set(spec, id);
    return id;
  }

  private arrayId(a: Float32Array | Int32Array | Uint8Array | Float64Array): number {
    return this.idOf(a, (id) => ({ type: 'array', id, array: a }));
  }

  /** Whether the state's arrays are shared, so other threads can write its rows. */
  static canShare(state: EvolutionState): boolean {
    const s = state.scratch;
    return isShared(state.params) && isShared(s.population) && isShared(s.varied) && isShared(s.epoch) &&
      (state.sigma.length === 0 || (isShared(state.sigma) && isShared(s.populationSigma))); // prettier-ignore
  }

  /**
   * Varies rows [start, end) of the state (as `askRows`, kept for `tell`) and returns their fitness,
   * split over the pool's threads when the state is shared and the rows are many enough.
   */
  run(req: PopulationRequest): Float32Array {
    if (this.closed) throw new EnginePoolError('this engine was closed; create a new one');
    const { start, end } = checkPopulationRequest(req);
    const rows = end - start;
    const result = new Float32Array(rows);
    const parts = Math.min(this.threads, Math.floor(rows / MIN_ROWS_PER_THREAD));
    if (parts <= 1 || !CpuPool.canShare(req.state)) {
      varyAndEvaluateRows(req, start, end, result);
      return result;
    }
    for (const s of this.slots) if (s.dead !== undefined) throw new EnginePoolError(s.dead);
    const { state, spec } = req;
    const d = spec.inputs;
    const n = req.n;
    // The batch and the fitness go through pool-owned shared arrays (re-posted when they grow).
    this.x = growShared(this.x, n * d, (sab) => new Float32Array(sab));
    this.y = growShared(this.y, n, (sab) => new Int32Array(sab));
    this.out = growShared(this.out, state.populationSize, (sab) => new Float32Array(sab));
    this.x.set(req.x.subarray(0, n * d));
    for (let s = 0; s < n; s++) this.y[s] = req.y[s];
    const ids = {
      params: this.arrayId(state.params),
      sigma: this.arrayId(state.sigma.length > 0 ? state.sigma : state.params),
      population: this.arrayId(state.scratch.population),
      populationSigma: this.arrayId(state.sigma.length > 0 ? state.scratch.populationSigma : state.scratch.population),
      varied: this.arrayId(state.scratch.varied),
      epoch: this.arrayId(state.scratch.epoch),
      x: this.arrayId(this.x),
      y: this.arrayId(this.y),
      out: this.arrayId(this.out),
      spec: this.specId(spec),
      config: this.idOf(state.config, (id) => ({ type: 'config', id, config: state.config })),
    };
    // Every thread, the caller included, claims rows from the shared counters until none are left; the
    // first worker claims from the back, where it drew normals ahead while this thread ran `tell`.
    const claims = claimIndex(this.slots.length);
    Atomics.store(this.ctrl, claims, rows);
    Atomics.store(this.ctrl, claims + 1, start);
    Atomics.store(this.ctrl, claims + 2, end);
    const busy: Slot[] = [];
    for (let p = 1; p < parts; p++) {
      const slot = this.slots[p - 1];
      const b = (p - 1) * CTRL_INTS;
      const c = this.ctrl;
      c[b + CTRL.start] = start;
      c[b + CTRL.end] = end;
      c[b + CTRL.threads] = parts;
      c[b + CTRL.maxClaim] = MAX_CLAIM;
      c[b + CTRL.fromBack] = p === 1 ? 1 : 0;
      c[b + CTRL.n] = n;
      c[b + CTRL.fitness] = FITNESS_CODES.indexOf(req.fitness);
      c[b + CTRL.trials] = req.trials ?? 10;
      c[b + CTRL.generation] = state.generation;
      c[b + CTRL.protectedRows] = state.protectedRows;
      c[b + CTRL.populationSize] = state.populationSize;
      c[b + CTRL.numParams] = state.numParams;
      c[b + CTRL.params] = ids.params;
      c[b + CTRL.sigma] = ids.sigma;
      c[b + CTRL.population] = ids.population;
      c[b + CTRL.populationSigma] = ids.populationSigma;
      c[b + CTRL.varied] = ids.varied;
      c[b + CTRL.epoch] = ids.epoch;
      c[b + CTRL.x] = ids.x;
      c[b + CTRL.y] = ids.y;
      c[b + CTRL.out] = ids.out;
      c[b + CTRL.spec] = ids.spec;
      c[b + CTRL.config] = ids.config;
      c[b + CTRL.hasSigma] = state.sigma.length > 0 ? 1 : 0;
      this.ctrlF64[(b >> 1) + CTRL.seedF64] = state.seed;
      slot.seq++;
      Atomics.store(c, b + CTRL.jobSeq, slot.seq);
      Atomics.notify(c, b + CTRL.jobSeq);
      busy.push(slot);
    }
    let failure: unknown;
    try {
      varyAndEvaluateClaimed(req, this.ctrl, claims, 'front', parts, MAX_CLAIM, this.out);
    } catch (e) {
      failure = e;
      // Leave no rows for the workers to start on; they finish the ones they hold.
      Atomics.store(this.ctrl, claims, 0);
    }
    busy.forEach((slot, i) => {
      const b = i * CTRL_INTS;
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(this.ctrl, b + CTRL.doneSeq) !== slot.seq && performance.now() < spinUntil);
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(this.ctrl, b + CTRL.doneSeq);
        if (done === slot.seq) break;
        if (slot.dead !== undefined || Date.now() > deadline) {
          slot.dead ??= `worker thread ${i} did not answer within ${WORKER_TIMEOUT_MS / 1000} s`;
          throw new EnginePoolError(slot.dead);
        }
        Atomics.wait(this.ctrl, b + CTRL.doneSeq, done, 1000);
      }
      if (this.ctrl[b + CTRL.status] !== 0) {
        const m = receiveMessageOnPort(slot.port)?.message as { message?: string } | undefined;
        failure ??= new EnginePoolError(`worker thread ${i} failed: ${m?.message ?? 'unknown error'}`);
      }
    });
    if (failure !== undefined) throw failure;
    result.set(this.out.subarray(start, end));
    return result;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.slots.forEach((s, i) => {
      Atomics.store(this.ctrl, i * CTRL_INTS + CTRL.jobSeq, -1);
      Atomics.notify(this.ctrl, i * CTRL_INTS + CTRL.jobSeq);
    });
    await Promise.all(this.slots.map((s) => (s.dead !== undefined ? undefined : s.worker.terminate())));
  }
}
