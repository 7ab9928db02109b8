/**
 * A results folder has one writer and is never overwritten by accident: a run takes `--out`'s lock for its whole
 * life (two runs into one folder would interleave trial files), and a run without --resume into a folder that
 * already holds this experiment's results is refused unless --overwrite says to start over.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lockDir } from '../platform/dir_lock.js';
import { EvoscaleError } from '../shared/errors.js';

/** Name of the lock file inside a results folder. */
export const RESULTS_LOCK_FILE = '.evoscale.lock';

export class ResultsDirError extends EvoscaleError {
  constructor(message: string, code = 'RESULTS_DIR') {
    super(message, code);
  }
}

export interface ClaimOptions {
  readonly resume: boolean;
  readonly overwrite: boolean;
}

/** What to run, for messages: the command as typed, with `flagToAdd` in place of --resume/--overwrite. */
function rerun(flagToAdd: string): string {
  const args = process.argv.slice(2).filter((a) => a !== '--resume' && a !== '--overwrite');
  return `npx evoscale ${[...args, flagToAdd].join(' ')}`;
}

/**
 * Takes `out`'s lock alone (no resume/overwrite rule): `sweep --out` and `coordinator --out`, which always resume,
 * share the folder rule of `run` through the same lock file. Returns the release function.
 */
export function lockResultsDir(out: string): () => void {
  return lockDir(out, {
    file: RESULTS_LOCK_FILE,
    code: 'RESULTS_DIR_LOCKED',
    held: (owner, path) =>
      owner === undefined
        ? `cannot take the lock ${path}; if no evoscale run writes to ${out}, delete it`
        : `${out} is in use by another evoscale run (pid ${owner.pid} on ${owner.host}); wait for it to finish or ` +
          `use another --out (if no such run exists, delete ${path})`,
  });
}

/**
 * Takes `out`'s lock and applies the resume/overwrite rule for `<out>/<experiment>`; returns the release function.
 * With `overwrite` the experiment's folder is removed, so no figure or report of the old run survives.
 */
export function claimResultsDir(out: string, experiment: string, opts: ClaimOptions): () => void {
  if (opts.resume && opts.overwrite) {
    throw new ResultsDirError(
      '--resume keeps finished trials and --overwrite deletes them: give one of the two',
      'RESULTS_FLAGS',
    );
  }
  const unlock = lockResultsDir(out);
  try {
    const dir = join(out, experiment);
    const hasResults = existsSync(dir) && readdirSync(dir).length > 0;
    if (hasResults && !opts.resume && !opts.overwrite) {
      throw new ResultsDirError(
        `${dir} already holds results of ${experiment}. To continue that run: ${rerun('--resume')}; ` +
          `to delete them and start over: ${rerun('--overwrite')}; or choose another --out`,
        'RESULTS_EXIST',
      );
    }
    if (hasResults && opts.overwrite) rmSync(dir, { recursive: true, force: true });
    return unlock;
  } catch (e) {
    unlock();
    throw e;
  }
}

/** True when `dir` holds a file somewhere below it (empty folders do not count). */
function holdsAFile(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory() ? holdsAFile(path) : true) return true;
  }
  return false;
}

/**
 * Runs an experiment whose index (`experiment.json`) `start` writes into `dir`; when the run fails before any trial
 * wrote a file (a dataset that does not load, a bad setting found by the first trial), a fresh run's folder is
 * removed again, so the same command can be rerun without --resume or --overwrite. A run that got further keeps its
 * files for --resume.
 */
export async function discardIfNothingRan<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const fresh = !holdsAFile(dir);
  try {
    return await work();
  } catch (e) {
    if (fresh && !holdsAFile(join(dir, 'trials'))) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
