/**
 * One collection server per data folder: two would each keep their own index of stored episode ids, so a
 * duplicate submission could be stored twice. The lock is a file holding the owner's pid; a lock left by a process
 * that no longer runs (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { CollectError } from './errors.js';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE = '.collect.lock';

/** Folders this process holds: its own pid in a lock file proves nothing about which server wrote it. */
const heldHere = new Set<string>();

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock for this process; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const path = resolve(dir, LOCK_FILE);
  if (heldHere.has(path))
    throw new CollectError(
      `${dir} is already served by another collection server in this process; close it first`,
      'COLLECT_DIR_LOCKED',
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) {
        throw new CollectError(
          `${dir} is already served by another 'evoscale collect' (pid ${pid}); stop it, or use another --data-dir ` +
            `(if no such server runs, delete ${path})`,
          'COLLECT_DIR_LOCKED',
        );
      }
      rmSync(path, { force: true }); // left by a process that is gone
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(path);
    return () => {
      heldHere.delete(path);
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
  }
  throw new CollectError(`cannot take the lock ${path}; delete it if no 'evoscale collect' serves ${dir}`);
}
