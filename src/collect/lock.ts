/**
 * One collection server per data folder: two would each keep their own index of stored episode ids, so a
 * duplicate submission could be stored twice. The folder lock is the platform's (pid + host, stale locks taken over).
 */
import { lockDir } from '../platform/dir_lock.js';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE = '.collect.lock';

/** Takes the folder's lock for this process; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  return lockDir(dir, {
    file: LOCK_FILE,
    code: 'COLLECT_DIR_LOCKED',
    held: (owner, path) =>
      owner === undefined
        ? `cannot take the lock ${path}; delete it if no 'evoscale collect' serves ${dir}`
        : owner.pid === process.pid
          ? `${dir} is already served by another collection server in this process; close it first`
          : `${dir} is already served by another 'evoscale collect' (pid ${owner.pid} on ${owner.host}); stop it, ` +
            `or use another --data-dir (if no such server runs, delete ${path})`,
  });
}
