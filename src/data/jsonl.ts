/**
 * The HuggingFace IL-datasets JSONL format (NathanGavenski/CartPole-v1's teacher.jsonl): one object per line,
 * `{"obs": [...], "actions": a, "rewards": r, "episode_starts": bool}`. Streamed line by line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DatasetBuilder } from '../shared/data/builder.js';
import type { Dataset } from '../shared/data/dataset.js';
import { DatasetError } from '../shared/data/errors.js';
import { fileSize, writeAtomically } from './files.js';
import { formatFloat32 } from './float32.js';
import { MAX_DATASET_ROWS, MAX_JSONL_LINE_BYTES, MAX_PREALLOCATED_ROWS } from './limits.js';

export interface ReadDatasetOptions {
  /** The env the rows belong to; inferred from the obs size when omitted. */
  envId?: string;
  /** Called about every MiB read (JSONL: bytes) or every row group (Parquet: rows). */
  onProgress?: (done: number, total: number) => void;
  /** Overrides the `source` recorded in the dataset's meta (default: the path). */
  source?: string;
  /** Most rows accepted (default MAX_DATASET_ROWS); more is refused naming the file and the first row too many. */
  maxRows?: number;
  /** JSONL only: longest line in bytes (default MAX_JSONL_LINE_BYTES); longer is refused without reading it all. */
  maxLineBytes?: number;
}

/** Reads a JSONL dataset; all-or-nothing: any bad line throws a DatasetError naming `path line N`. */
export async function readJsonlDataset(path: string, opts: ReadDatasetOptions = {}): Promise<Dataset> {
  const total = await fileSize(path);
  const builder = new DatasetBuilder({
    envId: opts.envId,
    describe: (line) => `${path} line ${line}`,
    // ~75 bytes per CartPole row, more for longer observations; an overestimate only costs one trim.
    sizeHint: Math.min(MAX_PREALLOCATED_ROWS, Math.max(1024, Math.ceil(total / 60))),
  });
  const maxRows = opts.maxRows ?? MAX_DATASET_ROWS;
  const maxLine = opts.maxLineBytes ?? MAX_JSONL_LINE_BYTES;
  const tooLong = (bytes: string): DatasetError =>
    new DatasetError(
      `${path} line ${lineNo + 1}: longer than ${maxLine} bytes (${bytes}); a dataset row is one short JSON ` +
        `object per line: is this really a JSONL dataset?`,
    );
  let lineNo = 0;
  let rest = '';
  let bytes = 0;
  const parseLine = (line: string, endsFile: boolean): void => {
    lineNo++;
    if (line.length === 0 || line.trim().length === 0) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      if (/\b(NaN|Infinity)\b/.test(line)) {
        throw new DatasetError(
          `${path} line ${lineNo}: contains NaN or Infinity (how Python writes non-finite floats); ` +
            `observations and rewards must be finite numbers`,
        );
      }
      if (endsFile) {
        throw new DatasetError(
          `${path} line ${lineNo}: the last line is cut off mid-record (the file is truncated); ` +
            `download or generate it again`,
        );
      }
      throw new DatasetError(`${path} line ${lineNo}: not valid JSON (${(err as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DatasetError(
        `${path} line ${lineNo}: expected an object {"obs": [...], "actions": a, "rewards": r, "episode_starts": bool}`,
      );
    }
    if (builder.size >= maxRows)
      throw new DatasetError(
        `${path} line ${lineNo}: more than ${maxRows} rows; split the file or subsample it (the limit keeps a ` +
          `runaway file from exhausting memory)`,
      );
    const r = row as Record<string, unknown>;
    builder.addRow(r.obs, r.actions, r.rewards, r.episode_starts, lineNo);
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    let first = true;
    for await (const raw of stream as AsyncIterable<string>) {
      bytes += Buffer.byteLength(raw, 'utf8');
      // A UTF-8 byte order mark (Windows editors write one) is not part of the first record.
      const chunk = first && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      first = false;
      let text = rest + chunk;
      let nl = text.indexOf('\n');
      let from = 0;
      while (nl !== -1) {
        let end = nl;
        if (end - from > maxLine) throw tooLong(`${end - from} characters`);
        if (end > from && text.charCodeAt(end - 1) === 13) end--; // CRLF
        parseLine(text.slice(from, end), false);
        from = nl + 1;
        nl = text.indexOf('\n', from);
      }
      rest = text.slice(from);
      text = '';
      // Checked per chunk, so a file that is one endless line is refused after reading about maxLine bytes.
      if (rest.length > maxLine) throw tooLong(`at least ${rest.length} characters without a newline`);
      opts.onProgress?.(bytes, total);
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot read ${path}: ${(err as Error).message}`, 'DATASET_IO');
  }
  if (rest.length > 0) parseLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, true);
  return builder.finish({ source: opts.source ?? path, format: 'jsonl' });
}

/** One row in the HuggingFace layout, spaced as Python's json.dumps writes it. */
function formatRow(ds: Dataset, i: number): string {
  const d = ds.obsDim;
  let obs = '';
  for (let j = 0; j < d; j++) obs += (j === 0 ? '' : ', ') + formatFloat32(ds.observations[i * d + j]);
  return (
    `{"obs": [${obs}], "actions": ${ds.actions[i]}, "rewards": ${formatFloat32(ds.rewards[i])}, ` +
    `"episode_starts": ${ds.episodeStarts[i] !== 0}}\n`
  );
}

export interface WriteDatasetOptions {
  /** Called every 10 000 rows and at the end with (rows written, total rows). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes a dataset as HuggingFace-style JSONL. Floats are written as the shortest text that reads back as the
 * same float32, so a round trip is exact. The file appears under `path` only once complete.
 */
export async function writeJsonlDataset(ds: Dataset, path: string, opts: WriteDatasetOptions = {}): Promise<void> {
  await writeAtomically(path, async (tmp) => {
    const out = createWriteStream(tmp, { encoding: 'utf8' });
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    const chunkRows = 10_000;
    for (let start = 0; start < ds.size; start += chunkRows) {
      const end = Math.min(ds.size, start + chunkRows);
      let text = '';
      for (let i = start; i < end; i++) text += formatRow(ds, i);
      if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
      opts.onProgress?.(end, ds.size);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  });
}
