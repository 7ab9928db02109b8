/** The one module that finds worker modules and starts threads (trial pools, the engine pool, the replay thread). */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { startPool, startThread, workerModule, WorkerModuleError } from '../../src/platform/threads.js';

describe('worker threads', () => {
  it('finds a worker module beside its caller, compiled or as TypeScript source', () => {
    const compiled = workerModule(import.meta.url, './fixtures/echo_worker');
    assert.ok(compiled.pathname.endsWith('/fixtures/echo_worker.js'));
    const source = pathToFileURL(join(repoRoot, 'test', 'platform', 'threads.test.ts')).href;
    assert.equal(
      workerModule(source, './fixtures/echo_worker').href,
      pathToFileURL(join(repoRoot, 'test', 'platform', 'fixtures', 'echo_worker.ts')).href,
    );
  });

  it('refuses a missing worker module with a message naming the file and what to do', () => {
    assert.throws(
      () => workerModule(import.meta.url, './fixtures/no_such_worker'),
      (e: unknown) =>
        e instanceof WorkerModuleError &&
        e.message.includes(fileURLToPath(new URL('./fixtures/no_such_worker.js', import.meta.url))) &&
        e.message.includes('npm run build'),
    );
  });

  it('starts a plain thread that runs the module', async () => {
    const worker = startThread(workerModule(import.meta.url, './fixtures/echo_worker'), { workerData: { echo: 42 } });
    const [message] = (await once(worker, 'message')) as [number];
    assert.equal(message, 42);
    await worker.terminate();
  });

  it("starts a piscina pool whose tasks run the module's default export", async () => {
    const pool = startPool(workerModule(import.meta.url, './fixtures/echo_worker'), { maxThreads: 2 });
    try {
      assert.deepEqual(await Promise.all([1, 2, 3].map((x) => pool.run(x))), [2, 4, 6]);
    } finally {
      await pool.destroy();
    }
  });
});
