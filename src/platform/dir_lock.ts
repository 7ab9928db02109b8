/**
 * One owner per folder: a lock file created with O_EXCL holding the owner's pid and host. A lock left by a process
 * that no longer runs on this host (killed, crashed) is taken over; a lock from another host is never guessed stale,
 * since its pid means nothing here. Hand-written rather than `proper-lockfile` because that library detects stale
 * locks by mtime, which needs a refresh timer in every long run; a dead pid is a certain sign and costs nothing.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { EvoscaleError } from '../shared/errors.js';

/** The folder is held by a live process (or by another host); `owner` says by whom. */
export class DirLockedError extends EvoscaleError {
  constructor(
    message: string,
    readonly owner: LockOwner | undefined,
    code = 'DIR_LOCKED',
  ) {
    super(message, code);
  }
}

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

/** Folders this process holds: its own pid in a lock file proves nothing about which part of it wrote it. */
const heldHere = new Set<string>();

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `pid host` (older collect locks hold only the pid, meaning this host). */
function readOwner(path: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [pidText, ...rest] = text.split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, host: rest.join(' ') || hostname() };
}

export interface DirLockOptions {
  /** Name of the lock file inside the folder. */
  readonly file: string;
  /** Message when the folder is held by `owner`; `path` is the lock file (to delete by hand if need be). */
  readonly held: (owner: LockOwner | undefined, path: string) => string;
  /** Error code of the thrown DirLockedError. */
  readonly code?: string;
}

/** Takes `dir`'s lock for this process (creating `dir`); returns the function that releases it. */
export function lockDir(dir: string, opts: DirLockOptions): () => void {
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, opts.file);
  const code = opts.code ?? 'DIR_LOCKED';
  const me: LockOwner = { pid: process.pid, host: hostname() };
  if (heldHere.has(path)) throw new DirLockedError(opts.held(me, path), me, code);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(path);
      const stale =
        owner === undefined ||
        (owner.host === me.host && (owner.pid === me.pid ? !heldHere.has(path) : !running(owner.pid)));
      if (!stale) throw new DirLockedError(opts.held(owner, path), owner, code);
      rmSync(path, { force: true }); // left by a process that is gone
      continue;
    }
    try {
      writeSync(fd, `${me.pid} ${me.host}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(path);
    return () => {
      if (!heldHere.delete(path)) return;
      const owner = readOwner(path);
      if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
    };
  }
  throw new DirLockedError(opts.held(undefined, path), undefined, code);
}
