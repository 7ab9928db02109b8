import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { askRows, cloneState, shareState, simpleGa, snapshotState } from '../../../src/shared/algorithms/index.js';
import { negativeSphere, startingAgent } from './helpers.js';

// Under tsx the tests run as .ts; after `npm run build` as .js beside their compiled helpers.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const workerUrl = new URL(`./share_worker${extension}`, import.meta.url);

function varyInThread(state: unknown, start: number, end: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // A worker thread does not inherit tsx's loader, so under tsx it registers it before loading the script.
    const worker =
      extension === '.ts'
        ? new Worker(
            `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`,
            { eval: true, workerData: { state, start, end } },
          )
        : new Worker(workerUrl, { workerData: { state, start, end } });
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
}

describe('shared population state', () => {
  it('lets worker threads vary their shards into rows the owning thread’s tell reuses', async () => {
    const P = 8;
    const n = 50;
    const owner = shareState(
      simpleGa.init(startingAgent(n), { populationSize: P, mutation: { mode: 'adaptive_sigma' } }, 4),
    );
    const reference = cloneState(owner);
    await Promise.all([varyInThread(owner, 0, 3), varyInThread(owner, 3, P)]);

    assert.deepEqual(Array.from(owner.scratch.varied), new Array(P).fill(1));
    assert.deepEqual(owner.scratch.population, simpleGa.ask(reference));
    const fitness = negativeSphere(owner.scratch.population, P, n);
    assert.deepEqual(snapshotState(simpleGa.tell(owner, fitness)), snapshotState(simpleGa.tell(reference, fitness)));
  });

  it('refuses a thread’s copy once the owner has moved to the next generation', () => {
    const owner = shareState(simpleGa.init(startingAgent(3), { populationSize: 4 }, 4));
    const posted = structuredClone(owner); // what postMessage hands a thread: same memory
    simpleGa.tell(owner, negativeSphere(simpleGa.ask(owner), 4, 3));
    assert.throws(() => askRows(posted, 0, 1), /already passed to tell/);
  });
});
