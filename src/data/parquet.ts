/**
 * The same table as Parquet, as HuggingFace's parquet converter publishes it (refs/convert/parquet):
 * columns `obs` (list of float), `actions` (int), `rewards` (float), `episode_starts` (bool).
 * Read with hyparquet, written with hyparquet-writer.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetScan } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet-writer';
import { DatasetBuilder } from '../shared/data/builder.js';
import type { Dataset, DatasetMeta } from '../shared/data/dataset.js';
import { DatasetError } from '../shared/data/errors.js';
import { fileSize, writeAtomically } from './files.js';
import { MAX_DATASET_ROWS, MAX_PREALLOCATED_ROWS } from './limits.js';
import type { ReadDatasetOptions, WriteDatasetOptions } from './jsonl.js';

const COLUMNS = ['obs', 'actions', 'rewards', 'episode_starts'] as const;
/** Key of the Parquet key-value metadata where evoscale keeps the env id and the dataset's meta. */
export const PARQUET_META_KEY = 'evoscale';

/** Reads a Parquet dataset; all-or-nothing: a bad value throws a DatasetError naming `path row N` (1-based). */
export async function readParquetDataset(path: string, opts: ReadDatasetOptions = {}): Promise<Dataset> {
  const bytes = await fileSize(path);
  let metadata: FileMetaData;
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new DatasetError(
      `${path}: not a readable Parquet file (${(err as Error).message}); it may be truncated: download or generate it again`,
    );
  }
  const topLevel = new Set<string>();
  for (let i = 1, skip = 0; i < metadata.schema.length; i++) {
    const el = metadata.schema[i];
    if (skip === 0) topLevel.add(el.name);
    else skip--;
    skip += el.num_children ?? 0;
  }
  const missing = COLUMNS.filter((c) => !topLevel.has(c));
  if (missing.length > 0) {
    throw new DatasetError(
      `${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}; ` +
        `found ${[...topLevel].join(', ') || 'none'}; expected obs (list of float), actions (int), rewards (float), episode_starts (bool)`,
    );
  }
  const total = checkMetadata(path, metadata, bytes, opts.maxRows ?? MAX_DATASET_ROWS);
  const stored = storedMeta(metadata);
  const builder = new DatasetBuilder({
    envId: opts.envId ?? stored?.envId,
    describe: (row) => `${path} row ${row}`,
    sizeHint: Math.min(MAX_PREALLOCATED_ROWS, Math.max(16, total)),
  });
  try {
    const scan = await parquetScan({ file, metadata });
    for (const range of scan.ranges) {
      const cols = await Promise.all(
        COLUMNS.map((column) => scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd })),
      );
      const [obs, actions, rewards, starts] = cols;
      const m = range.rowEnd - range.rowStart;
      for (let i = 0; i < m; i++) builder.addRow(obs[i], actions[i], rewards[i], starts[i], range.rowStart + i + 1);
      opts.onProgress?.(range.rowEnd, total);
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(
      `${path}: cannot decode the Parquet data (${(err as Error).message}); the file may be damaged`,
    );
  }
  const meta: DatasetMeta = { ...(stored?.meta ?? {}), source: opts.source ?? path, format: 'parquet' };
  return builder.finish(meta);
}

/**
 * The footer's claims, checked before anything is allocated from them: a row count within `maxRows` that the row
 * groups add up to, and column chunks that lie inside the file. Returns the row count.
 */
function checkMetadata(path: string, metadata: FileMetaData, fileBytes: number, maxRows: number): number {
  const bad = (what: string): DatasetError =>
    new DatasetError(`${path}: the Parquet footer ${what}; the file is damaged or not a dataset`, 'DATASET_INVALID');
  const total = Number(metadata.num_rows);
  if (!Number.isSafeInteger(total) || total < 0) throw bad(`claims ${metadata.num_rows} rows`);
  if (total > maxRows)
    throw new DatasetError(
      `${path}: the Parquet footer claims ${total} rows, more than the ${maxRows} a dataset file may hold; ` +
        `split or subsample it`,
      'DATASET_INVALID',
    );
  let sum = 0;
  metadata.row_groups.forEach((rg, g) => {
    const n = Number(rg.num_rows);
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`gives row group ${g} ${rg.num_rows} rows`);
    sum += n;
    for (const col of rg.columns) {
      const m = col.meta_data;
      if (m === undefined) continue;
      const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
      const end = start + Number(m.total_compressed_size);
      if (!(start >= 0 && end <= fileBytes))
        throw bad(`places column ${m.path_in_schema.join('.')} of row group ${g} at bytes ${start}-${end} of ${fileBytes}`);
    }
  });
  if (sum !== total) throw bad(`claims ${total} rows but its row groups hold ${sum}`);
  return total;
}

function storedMeta(metadata: FileMetaData): { envId?: string; meta?: Record<string, unknown> } | null {
  const kv = metadata.key_value_metadata?.find((e) => e.key === PARQUET_META_KEY);
  if (!kv?.value) return null;
  try {
    const parsed = JSON.parse(kv.value) as unknown;
    if (parsed === null || typeof parsed !== 'object') return null;
    const p = parsed as { envId?: unknown; meta?: unknown };
    return {
      envId: typeof p.envId === 'string' ? p.envId : undefined,
      meta: p.meta !== null && typeof p.meta === 'object' ? (p.meta as Record<string, unknown>) : undefined,
    };
  } catch {
    return null; // someone else's metadata under our key: ignore it rather than refuse the data
  }
}

// pyarrow's three-level list layout (what HuggingFace's converter writes), with float32 values.
const SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 4 },
  { name: 'obs', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', type: 'FLOAT' },
  { name: 'actions', repetition_type: 'OPTIONAL', type: 'INT64' },
  { name: 'rewards', repetition_type: 'OPTIONAL', type: 'FLOAT' },
  { name: 'episode_starts', repetition_type: 'OPTIONAL', type: 'BOOLEAN' },
];

const ROW_GROUP = 100_000;

/** Writes a dataset as Parquet in the HuggingFace layout, keeping env id and meta in key-value metadata. */
export async function writeParquetDataset(ds: Dataset, path: string, opts: WriteDatasetOptions = {}): Promise<void> {
  const d = ds.obsDim;
  await writeAtomically(path, async (tmp) => {
    const writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema: SCHEMA,
      kvMetadata: [{ key: PARQUET_META_KEY, value: JSON.stringify({ envId: ds.envId, meta: ds.meta }) }],
      createdBy: 'evoscale',
    });
    // One row group at a time keeps the boxed per-row arrays hyparquet-writer needs small.
    for (let start = 0; start < ds.size; start += ROW_GROUP) {
      const end = Math.min(ds.size, start + ROW_GROUP);
      const obs: number[][] = [];
      const actions: bigint[] = [];
      const rewards: number[] = [];
      const starts: boolean[] = [];
      for (let i = start; i < end; i++) {
        obs.push(Array.from(ds.observations.subarray(i * d, i * d + d)));
        actions.push(BigInt(ds.actions[i]));
        rewards.push(ds.rewards[i]);
        starts.push(ds.episodeStarts[i] !== 0);
      }
      await writer.write({
        columnData: [
          { name: 'obs', data: obs },
          { name: 'actions', data: actions },
          { name: 'rewards', data: rewards },
          { name: 'episode_starts', data: starts },
        ],
        rowGroupSize: ROW_GROUP,
      });
      opts.onProgress?.(end, ds.size);
    }
    writer.finish();
  });
}
