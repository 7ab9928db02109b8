/**
 * Worker-thread side of threads.test.ts: varies one shard of a shared population state.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { askRows } from '../../../src/shared/algorithms/index.js';
import type { EvolutionState } from '../../../src/shared/algorithms/index.js';

const { state, start, end } = workerData as { state: EvolutionState; start: number; end: number };
askRows(state, start, end);
parentPort?.postMessage('done');
