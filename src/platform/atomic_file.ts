/**
 * The one way evoscale replaces a file: write a temp file beside it, fsync it, rename it over the target, fsync
 * the folder. After a crash at any point the target holds the old content or the new, never part of either, and
 * once the call returns the new content survives a power cut (the rename is durable only once the folder entry
 * is flushed). Temp files are removed when the write fails.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EvoscaleError } from '../shared/errors.js';

/** A file could not be written; the target is left as it was. */
export class AtomicWriteError extends EvoscaleError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'check that the folder exists and is writable and that the disk has room, then run again',
      'ATOMIC_WRITE',
    );
  }
}

/** Marks temp files of writes in progress (or interrupted by a crash): readers of a folder skip such names. */
export const TEMP_MARKER = '.tmp-';

/** Whether `name` is a temp file of an atomic write rather than a result. */
export function isTempFile(name: string): boolean {
  return basename(name).includes(TEMP_MARKER);
}

/** A temp name beside `path`, unique per process, thread and call (threads share the pid). */
function tempPath(path: string): string {
  return join(dirname(path), `${basename(path)}${TEMP_MARKER}${process.pid}-${randomUUID()}`);
}

/** Flushes a folder's entries to disk; a no-op where the platform cannot open folders (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on folders; the data itself is already synced.
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically and durably (parent folders are created). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new AtomicWriteError(path, err);
  }
  fsyncDir(dirname(path));
}

/** Writes JSON atomically, pretty-printed so results are readable by people too. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Replaces `path` with what `write(tmpPath)` writes (for streamed files too large to hold in memory), with the
 * guarantees of `writeFileAtomic`. An error of `write` is rethrown as it is; the temp file is removed.
 */
export async function writeStreamAtomic(path: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  const tmp = tempPath(path);
  let step = 'create the folder';
  try {
    await mkdir(dirname(path), { recursive: true });
    step = 'write';
    await write(tmp);
    step = 'sync';
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    step = 'rename';
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw step === 'write' ? err : new AtomicWriteError(path, err);
  }
  fsyncDir(dirname(path));
}
