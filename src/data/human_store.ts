/**
 * Human episodes on disk: one JSONL file per participant (`<dir>/<participant>.jsonl`), one episode per line.
 * Appends are fsync'd before they count as stored, and a torn last line (a crash mid-write) is ignored on read,
 * so earlier episodes are never lost.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../platform/atomic_file.js';
import { parseHumanEpisode, type HumanEpisode } from '../shared/human/episode.js';
import { EvoscaleError } from '../shared/errors.js';

/** The folder has no episodes, or a file in it is corrupt in a way that cannot be a torn last line. */
export class HumanDataError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'HUMAN_DATA');
  }
}

/** Path of a participant's episode file. */
export function participantFile(dir: string, participant: string): string {
  return join(dir, `${participant}.jsonl`);
}

/** Reads the episodes of one JSONL file, validating each line; a torn final line is skipped. */
export function readEpisodeFile(path: string): HumanEpisode[] {
  // A byte order mark (Windows editors write one) is not part of the first record.
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\n');
  const out: HumanEpisode[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn last line: the writer crashed before its newline and fsync
      throw new HumanDataError(`${path}:${i + 1}: not valid JSON; fix or delete this line`);
    }
    out.push(parseHumanEpisode(value, `${path}:${i + 1}`));
  });
  return out;
}

/** Every episode of every `*.jsonl` file in `dir` (file order, then line order). */
export function readHumanDir(dir: string): HumanEpisode[] {
  if (!existsSync(dir))
    throw new HumanDataError(
      `${dir}: no such folder; collect data with 'evoscale collect' or make some with 'evoscale dataset synth-human --out ${dir}'`,
    );
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const out = files.flatMap((f) => readEpisodeFile(join(dir, f)));
  if (out.length === 0) throw new HumanDataError(`${dir}: no episodes found (expected <participant>.jsonl files)`);
  return out;
}

/** Appends episodes as lines of `path` and fsyncs before returning (a line is whole or absent after a crash). */
export function appendEpisodes(path: string, episodes: readonly HumanEpisode[]): void {
  if (episodes.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const created = !existsSync(path);
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, episodes.map((e) => JSON.stringify(e) + '\n').join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // A new file's name lives in its folder: without this a crash could lose the whole (fsync'd) file.
  if (created) fsyncDir(dirname(path));
}

/**
 * Cuts a torn last line (a crash mid-append, never acknowledged) off `path` so the next append starts on a line of
 * its own; the cut bytes are kept in `<path>.torn-<time>` for inspection. Returns that file, or null when the file
 * already ended with a newline.
 */
export function repairTornTail(path: string): string | null {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return null;
    const whole = readFileSync(path);
    const cut = whole.lastIndexOf(0x0a) + 1;
    const saved = `${path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    writeFileSync(saved, whole.subarray(cut));
    const sfd = openSync(saved, 'r');
    try {
      fsyncSync(sfd);
    } finally {
      closeSync(sfd);
    }
    ftruncateSync(fd, cut);
    fsyncSync(fd);
    fsyncDir(dirname(path));
    return saved;
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with exactly these episodes (the atomic writer: readers see the old or the new file). */
export function replaceEpisodeFile(path: string, episodes: readonly HumanEpisode[]): void {
  try {
    writeFileAtomic(path, episodes.map((e) => JSON.stringify(e) + '\n').join(''));
  } catch (e) {
    throw new HumanDataError((e as Error).message);
  }
}

/**
 * Writes each participant's episodes to `<dir>/<participant>.jsonl`: appended to an existing file, or replacing it
 * when `replace` is set; returns the files written.
 */
export function writeHumanDir(
  dir: string,
  episodes: readonly HumanEpisode[],
  opts: { replace?: boolean } = {},
): string[] {
  const byParticipant = new Map<string, HumanEpisode[]>();
  for (const e of episodes) {
    let list = byParticipant.get(e.participant);
    if (!list) byParticipant.set(e.participant, (list = []));
    list.push(e);
  }
  const files: string[] = [];
  for (const [p, list] of byParticipant) {
    const f = participantFile(dir, p);
    if (opts.replace) {
      mkdirSync(dir, { recursive: true });
      replaceEpisodeFile(f, list);
    } else appendEpisodes(f, list);
    files.push(f);
  }
  return files;
}
