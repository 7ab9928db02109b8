/**
 * The default engine: the CPU kernels (WebAssembly SIMD, or JavaScript where that is missing), in the
 * calling thread or, for populations in shared memory, split over a pool of worker threads.
 */
import { evaluateShardInline } from './cpu_kernel.js';
import { agentKernel, checkPopulationRequest, varyAndEvaluateRows, type PopulationRequest } from './generation.js';
import { CpuPool } from './pool.js';
import type { EvaluationEngine, ShardRequest } from './types.js';

export interface CpuEngineOptions {
  /**
   * Threads for `evaluatePopulation`, counting the caller's (default 1: inline). With more, states made
   * by `shareState` are split over worker threads; others still run inline.
   */
  readonly threads?: number;
  /**
   * Run `evaluatePopulation` on `threads` worker threads while the caller's event loop stays free (a process
   * that must keep answering heartbeats and /metrics while it evaluates); default false.
   */
  readonly background?: boolean;
}

export class CpuEngine implements EvaluationEngine {
  readonly backend = 'cpu';
  private readonly pool: CpuPool | undefined;

  constructor(options: CpuEngineOptions = {}) {
    const threads = options.threads ?? 1;
    const background = options.background === true;
    this.pool = threads > 1 || background ? new CpuPool(threads, { background }) : undefined;
  }

  /** Threads `evaluatePopulation` may use, the caller's included. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** 'wasm-simd' when the WebAssembly SIMD kernels run here, else 'js'. */
  static kernel(): 'wasm-simd' | 'js' {
    return agentKernel({ inputs: 1, hidden: [1], outputs: 2, activation: 'tanh' }) === null ? 'js' : 'wasm-simd';
  }

  async evaluate(request: ShardRequest): Promise<Float32Array> {
    return evaluateShardInline(request);
  }

  /**
   * Varies rows [start, end) of a population state (exactly the rows `askRows` gives, kept in the state
   * so `tell` reuses them) and returns their fitness: one generation's ask and evaluation in one pass.
   */
  async evaluatePopulation(request: PopulationRequest): Promise<Float32Array> {
    if (this.pool?.background === true) return this.pool.runAsync(request);
    return this.evaluatePopulationSync(request);
  }

  /** `evaluatePopulation` without the promise (it blocks while worker threads run their shares). */
  evaluatePopulationSync(request: PopulationRequest): Float32Array {
    if (this.pool !== undefined) return this.pool.run(request);
    const { start, end } = checkPopulationRequest(request);
    const out = new Float32Array(end - start);
    varyAndEvaluateRows(request, start, end, out);
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

const perThread = new Map<number, CpuEngine>();

/**
 * This thread's engine with `threads` threads (the caller's included), started on first use and reused by
 * every trial the thread runs afterwards, so a trial pays for starting threads (and compiling their
 * kernels) only once per process thread. Its threads are unref'd: it never keeps a process alive.
 */
export function sharedCpuEngine(threads: number): CpuEngine {
  const t = Math.max(1, Math.floor(threads));
  let engine = perThread.get(t);
  if (engine === undefined) {
    engine = new CpuEngine({ threads: t });
    perThread.set(t, engine);
  }
  return engine;
}
