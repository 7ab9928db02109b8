/** Small file-system helpers shared by the dataset readers and writers. */
import { stat } from 'node:fs/promises';
import { AtomicWriteError, writeStreamAtomic } from '../platform/atomic_file.js';
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
 * Runs `write(tmpPath)` and then moves the temporary file onto `path` (platform's atomic writer: fsync, rename,
 * fsync the folder), so that a crash or error never leaves a half-written dataset under the final name.
 */
export async function writeAtomically(path: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  try {
    await writeStreamAtomic(path, write);
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    const reason = err instanceof AtomicWriteError ? err.message : `cannot write ${path}: ${(err as Error).message}`;
    throw new DatasetError(reason, 'DATASET_IO');
  }
}
