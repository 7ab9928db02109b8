/**
 * The one place evoscale starts worker threads and finds the modules they run: a module is found beside the
 * module that names it, as compiled JavaScript, or as its TypeScript source when evoscale itself runs from
 * src/ under tsx (tests, benchmarks, `node --import tsx`). Pools of tasks go through piscina; long-lived
 * threads that talk over their own channel (the engine's shared-memory pool, the replay thread) are plain
 * worker threads.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { EvoscaleError } from '../shared/errors.js';

/** A worker module is missing from the installed package. */
export class WorkerModuleError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'WORKER_MODULE');
  }
}

/** Options of a piscina pool, less the module (given as a URL of `workerModule`). */
export type PoolOptions = Omit<NonNullable<ConstructorParameters<typeof Piscina>[0]>, 'filename'>;

/**
 * The worker module `relative` (a path without extension, e.g. './pool_worker') beside the module whose
 * `import.meta.url` is `base`: `.ts` when `base` is a TypeScript source, `.js` otherwise.
 */
export function workerModule(base: string, relative: string): URL {
  const source = base.endsWith('.ts');
  const url = new URL(`${relative}${source ? '.ts' : '.js'}`, base);
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    throw new WorkerModuleError(
      `worker module ${fileURLToPath(url)} is missing; rebuild evoscale (npm run build) or reinstall the package`,
    );
  }
  return url;
}

/** Whether `module` is a TypeScript source, which a thread can load only through tsx's loader. */
function isSource(module: URL): boolean {
  return module.pathname.endsWith('.ts');
}

/**
 * Starts a plain worker thread running `module`. A TypeScript source is loaded through tsx's loader, registered
 * in the thread itself, since a thread does not always inherit the loader of the process that started it.
 */
export function startThread(module: URL, options: WorkerOptions = {}): Worker {
  if (!isSource(module)) return new Worker(module, options);
  const bootstrap =
    `import('tsx/esm/api').then((tsx) => { tsx.register(); ` + `return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * A piscina pool whose threads run `module`'s default export. Threads inherit the process's flags, so a
 * TypeScript source works when the process runs under `node --import tsx`.
 */
export function startPool(module: URL, options: PoolOptions = {}): Piscina {
  return new Piscina({ ...options, filename: module.href });
}
