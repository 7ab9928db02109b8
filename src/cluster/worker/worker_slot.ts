/**
 * The default worker id, `<hostname>-<slot>`: stable across restarts of the same host and slot, so metrics
 * series (labelled by worker) and the coordinator's view of a worker survive a restart instead of piling up one
 * new id per process. Slots are claimed with O_EXCL pid files, so several workers on one host get 0, 1, 2, …
 * and a crashed worker's slot (its pid no longer running) is taken over by the next one.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvoscaleError } from '../../shared/errors.js';

export class WorkerSlotError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'WORKER_SLOT');
  }
}

export interface WorkerSlot {
  /** `<host>-<slot>`. */
  readonly id: string;
  readonly slot: number;
  /** Frees the slot (also done on process exit). */
  release(): void;
}

export interface WorkerSlotOptions {
  /** Defaults to os.hostname() (a pod's or container's name under Kubernetes and Compose). */
  readonly host?: string;
  /** Where the pid files live (default: the OS temp folder). */
  readonly lockDir?: string;
  readonly maxSlots?: number;
  /** This process's pid (tests claim on behalf of other pids). */
  readonly pid?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the lowest free slot on this host; throws WorkerSlotError when all `maxSlots` are held by live workers. */
export function claimWorkerSlot(options: WorkerSlotOptions = {}): WorkerSlot {
  const host = options.host ?? hostname();
  const dir = options.lockDir ?? tmpdir();
  const maxSlots = options.maxSlots ?? 1024;
  const pid = options.pid ?? process.pid;
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '_');
  for (let slot = 0; slot < maxSlots; slot++) {
    const file = join(dir, `evoscale-worker-${safeHost}-${slot}.pid`);
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new WorkerSlotError(
            `cannot create the worker slot file ${file} (${(e as Error).message}); give the worker an id with --id`,
          );
        }
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue; // Vanished between open and read: try again.
        }
        const holder = Number.parseInt(text, 10);
        // An empty file is a worker between creating and writing it: held, not stale.
        if (!Number.isInteger(holder) || holder <= 0 || alive(holder)) break;
        // A crashed worker's slot: take it over.
        try {
          unlinkSync(file);
        } catch {
          // Another worker removed it first; the next attempt races fairly through O_EXCL.
        }
        continue;
      }
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (Number.parseInt(readFileSync(file, 'utf8'), 10) === pid) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
      process.on('exit', release);
      return { id: `${host}-${slot}`, slot, release };
    }
  }
  throw new WorkerSlotError(
    `all ${maxSlots} worker slots on ${host} are held by running workers (pid files in ${dir}); give this worker an id with --id`,
  );
}
