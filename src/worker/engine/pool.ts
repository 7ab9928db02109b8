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

export interface CpuPoolOptions {
  /** All threads are workers; the caller awaits `runAsync` instead of working (default false). */
  readonly background?: boolean;
}

/** `Atomics.waitAsync` (ES2024; Node ≥ 16), typed here because the project's lib is ES2023. */
type WaitAsync = (
  a: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class CpuPool {
  /** Threads that run shares, counting the caller's unless the pool runs in the background. */
  readonly threads: number;
  /** Whether every share runs on a worker thread (`runAsync`), the caller only waiting. */
  readonly background: boolean;
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
  /** A `runAsync` is in flight: its shared buffers and counters are in use. */
  private inFlight = false;
  /** Worker threads (`threads`, less the caller's unless in the background). */
  private readonly workers: number;

  /**
   * A pool of `threads` threads in all (default: the machine's available parallelism). The caller is one of them,
   * unless `options.background`: then all `threads` are worker threads and the caller uses `runAsync`, its event
   * loop free while they work (a coordinator or worker process that must keep answering heartbeats).
   */
  constructor(threads: number = availableParallelism(), options: CpuPoolOptions = {}) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidArgumentError(`threads must be a positive integer (got ${threads}); use 1 to evaluate inline`);
    }
    this.threads = threads;
    this.background = options.background === true;
    const workers = this.background ? threads : threads - 1;
    this.workers = workers;
    // One slot per worker, then the pool-wide words (the claim counters).
    const sab = new SharedArrayBuffer((workers + 1) * CTRL_INTS * 4);
    this.ctrl = new Int32Array(sab);
    this.ctrlF64 = new Float64Array(sab);
    this.slots = [];
    for (let w = 0; w < workers; w++) this.slots.push(this.spawn(w, sab));
  }

  private spawn(index: number, sab: SharedArrayBuffer): Slot {
    const { port1, port2 } = new MessageChannel();
    const workerData = { ctrl: sab, base: index * CTRL_INTS, claims: claimIndex(this.workers), port: port2 };
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
   * split over the pool's threads when the state is shared and the rows are many enough. Blocks the caller,
   * which works too (in a background pool, it only waits: use `runAsync` there).
   */
  run(req: PopulationRequest): Float32Array {
    const { start, end } = this.check(req);
    const rows = end - start;
    const result = new Float32Array(rows);
    const parts = Math.min(this.threads, Math.floor(rows / MIN_ROWS_PER_THREAD));
    if (parts <= 1 || !CpuPool.canShare(req.state) || this.workers === 0 || this.inFlight) {
      varyAndEvaluateRows(req, start, end, result);
      return result;
    }
    const callerWorks = !this.background;
    const busy = this.dispatch(req, start, end, callerWorks ? parts - 1 : Math.min(parts, this.workers), callerWorks);
    let failure: unknown;
    if (callerWorks) {
      try {
        varyAndEvaluateClaimed(req, this.ctrl, claimIndex(this.workers), 'front', parts, MAX_CLAIM, this.out);
      } catch (e) {
        failure = e;
        // Leave no rows for the workers to start on; they finish the ones they hold.
        Atomics.store(this.ctrl, claimIndex(this.workers), 0);
      }
    }
    busy.forEach((slot, i) => {
      const b = i * CTRL_INTS;
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(this.ctrl, b + CTRL.doneSeq) !== slot.seq && performance.now() < spinUntil);
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(this.ctrl, b + CTRL.doneSeq);
        if (done === slot.seq) break;
        this.checkAlive(slot, i, deadline);
        Atomics.wait(this.ctrl, b + CTRL.doneSeq, done, 1000);
      }
      failure ??= this.failureOf(slot, i);
    });
    if (failure !== undefined) throw failure;
    result.set(this.out.subarray(start, end));
    return result;
  }

  /**
   * `run` without blocking the caller: every share runs on the pool's worker threads (all of them, for a
   * background pool) while the caller's event loop keeps serving; the same rows and values as `run`. One call
   * at a time per pool.
   */
  async runAsync(req: PopulationRequest): Promise<Float32Array> {
    const { start, end } = this.check(req);
    if (this.inFlight) throw new EnginePoolError('runAsync was called again before the previous call finished');
    const rows = end - start;
    const result = new Float32Array(rows);
    const parts = Math.min(this.workers, Math.max(1, Math.floor(rows / MIN_ROWS_PER_THREAD)));
    if (rows === 0 || parts < 1 || !CpuPool.canShare(req.state)) {
      varyAndEvaluateRows(req, start, end, result);
      return result;
    }
    // A pending Atomics.waitAsync does not keep the process alive; the (otherwise unref'd) threads at work do.
    const busy = this.dispatch(req, start, end, parts, false);
    this.inFlight = true;
    for (const slot of busy) slot.worker.ref();
    try {
      let failure: unknown;
      for (let i = 0; i < busy.length; i++) {
        const slot = busy[i];
        const b = i * CTRL_INTS;
        const deadline = Date.now() + WORKER_TIMEOUT_MS;
        for (;;) {
          const done = Atomics.load(this.ctrl, b + CTRL.doneSeq);
          if (done === slot.seq) break;
          this.checkAlive(slot, i, deadline);
          const w = waitAsync(this.ctrl, b + CTRL.doneSeq, done, 1000);
          if (w.async) await w.value;
        }
        failure ??= this.failureOf(slot, i);
      }
      if (failure !== undefined) throw failure;
      result.set(this.out.subarray(start, end));
      return result;
    } finally {
      for (const slot of busy) slot.worker.unref();
      this.inFlight = false;
    }
  }

  private check(req: PopulationRequest): { start: number; end: number } {
    if (this.closed) throw new EnginePoolError('this engine was closed; create a new one');
    return checkPopulationRequest(req);
  }

  private checkAlive(slot: Slot, i: number, deadline: number): void {
    if (slot.dead !== undefined || Date.now() > deadline) {
      slot.dead ??= `worker thread ${i} did not answer within ${WORKER_TIMEOUT_MS / 1000} s`;
      throw new EnginePoolError(slot.dead);
    }
  }

  private failureOf(slot: Slot, i: number): EnginePoolError | undefined {
    if (this.ctrl[i * CTRL_INTS + CTRL.status] === 0) return undefined;
    const m = receiveMessageOnPort(slot.port)?.message as { message?: string } | undefined;
    return new EnginePoolError(`worker thread ${i} failed: ${m?.message ?? 'unknown error'}`);
  }

  /**
   * Hands rows [start, end) to the first `jobs` workers, which claim them from the shared counters (as the
   * caller does when `callerWorks`, making `parts` = jobs + 1); the first worker claims from the back, where it
   * drew normals ahead while the caller ran `tell`. Returns the slots that got a job.
   */
  private dispatch(req: PopulationRequest, start: number, end: number, jobs: number, callerWorks: boolean): Slot[] {
    for (const s of this.slots) if (s.dead !== undefined) throw new EnginePoolError(s.dead);
    const rows = end - start;
    const parts = jobs + (callerWorks ? 1 : 0);
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
    // Every thread claims rows from the shared counters until none are left.
    const claims = claimIndex(this.workers);
    Atomics.store(this.ctrl, claims, rows);
    Atomics.store(this.ctrl, claims + 1, start);
    Atomics.store(this.ctrl, claims + 2, end);
    const busy: Slot[] = [];
    for (let p = 0; p < jobs; p++) {
      const slot = this.slots[p];
      const b = p * CTRL_INTS;
      const c = this.ctrl;
      c[b + CTRL.start] = start;
      c[b + CTRL.end] = end;
      c[b + CTRL.threads] = parts;
      c[b + CTRL.maxClaim] = MAX_CLAIM;
      c[b + CTRL.fromBack] = p === 0 ? 1 : 0;
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
    return busy;
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
