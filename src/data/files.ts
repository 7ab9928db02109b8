/** Small file-system helpers shared by the dataset readers and writers. */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';
import { dirname } from 'node:path';
import { DatasetError } from '../shared/data/errors.js';

/** Size of a file, or a DatasetError telling the user the path does not exist. */
export async function fileSize(path: string, hint = ''): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new DatasetError(`${path} is not a file${hint}`, 'DATASET_NOT_FOUND');
    return s.size;
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(`no such file: ${path}${hint}`, 'DATASET_NOT_FOUND');
    throw new DatasetError(`cannot read ${path}: ${(err as Error).message}`, 'DATASET_IO');
  }
}

/**
 * Runs `write(tmpPath)` and then renames the temporary file onto `path`, so that a crash or error never leaves
 * a half-written dataset under the final name.
 */
export async function writeAtomically(path: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Unique per writer: worker threads of one process share its pid, and two may cache the same file at once.
  const tmp = `${path}.partial-${process.pid}-${threadId}-${randomUUID()}`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot write ${path}: ${(err as Error).message}`, 'DATASET_IO');
  }
}
