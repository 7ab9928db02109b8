// Issue #16: hostile or damaged dataset files are refused early, naming the file and the line or row.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { readJsonlDataset, writeJsonlDataset } from '../../src/data/jsonl.js';
import { readParquetDataset, writeParquetDataset } from '../../src/data/parquet.js';
import { MAX_JSONL_LINE_BYTES } from '../../src/data/limits.js';
import { DatasetError } from '../../src/shared/data/errors.js';
import { arraysOf, sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir('evoscale-data-limits-');
after(tmp.cleanup);

const ROW = '{"obs": [0.1, 0.2, 0.3, 0.4], "actions": 1, "rewards": 1.0, "episode_starts": true}';

test('a 2 GiB JSONL file that is one line is refused after reading about the line limit, naming file and line', async () => {
  const path = join(tmp.dir, 'one-line.jsonl');
  // Sparse: two rows, then 2 GiB without a newline (zeros on disk cost nothing).
  writeFileSync(path, `${ROW}\n${ROW}\n{"obs": [`);
  truncateSync(path, 2 ** 31);
  let readBytes = 0;
  await assert.rejects(
    readJsonlDataset(path, { onProgress: (done) => (readBytes = done) }),
    (e: unknown) =>
      e instanceof DatasetError &&
      e.message.startsWith(`${path} line 3: longer than ${MAX_JSONL_LINE_BYTES} bytes`) &&
      !/Invalid string length/.test(e.message),
  );
  assert.ok(readBytes <= 4 * MAX_JSONL_LINE_BYTES, `read ${readBytes} bytes of a 2 GiB file`);
});

test('a long line in the middle of a JSONL file is refused naming its line', async () => {
  const path = join(tmp.dir, 'long-middle.jsonl');
  writeFileSync(path, `${ROW}\n${'{"obs": [' + '0.5, '.repeat(400) + '0.5]}'}\n${ROW}\n`);
  await assert.rejects(readJsonlDataset(path, { maxLineBytes: 1000 }), {
    message: new RegExp(`^${path.replace(/[/.]/g, '\\$&')} line 2: longer than 1000 bytes`),
  });
});

test('a JSONL file with more rows than allowed is refused naming the first row too many', async () => {
  const path = join(tmp.dir, 'many.jsonl');
  writeFileSync(path, `${ROW}\n`.repeat(12));
  await assert.rejects(readJsonlDataset(path, { maxRows: 10 }), {
    message: new RegExp(`line 11: more than 10 rows`),
  });
  assert.equal((await readJsonlDataset(path, { maxRows: 12 })).size, 12);
});

test('a UTF-8 byte order mark at the start of a JSONL file is ignored', async () => {
  const ds = sampleDataset(40);
  const plain = join(tmp.dir, 'plain.jsonl');
  await writeJsonlDataset(ds, plain);
  const bom = join(tmp.dir, 'bom.jsonl');
  writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]));
  const back = await readJsonlDataset(bom, { envId: 'CartPole-v1' });
  assert.deepEqual(arraysOf(back), arraysOf(ds));
});

/** Rewrites the footer of a Parquet file after `edit` changes its decoded metadata (an attacker's forgery). */
function forgeFooter(path: string, edit: (m: ReturnType<typeof parquetMetadata>) => void): void {
  const bytes = readFileSync(path);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const meta = parquetMetadata(buf);
  const footerLen = bytes.readUInt32LE(bytes.length - 8);
  edit(meta);
  const w = new ByteWriter();
  writeMetadata(w, meta);
  const body = new Uint8Array(w.getBuffer());
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  writeFileSync(
    path,
    Buffer.concat([bytes.subarray(0, bytes.length - 8 - footerLen), body, len, Buffer.from('PAR1')]),
  );
}

test('a Parquet file claiming 2^40 rows is refused naming the file, before anything is allocated', async () => {
  const path = join(tmp.dir, 'huge.parquet');
  await writeParquetDataset(sampleDataset(50), path);
  forgeFooter(path, (m) => {
    m.num_rows = 2n ** 40n;
    m.row_groups[0].num_rows = 2n ** 40n;
  });
  await assert.rejects(readParquetDataset(path), (e: unknown) => {
    assert.ok(e instanceof DatasetError);
    assert.match(e.message, new RegExp(`^${path.replace(/[/.]/g, '\\$&')}: the Parquet footer claims 1099511627776 rows`));
    return true;
  });
});

test('a Parquet footer whose row groups do not add up, or whose columns lie outside the file, is refused', async () => {
  const sum = join(tmp.dir, 'sum.parquet');
  await writeParquetDataset(sampleDataset(50), sum);
  forgeFooter(sum, (m) => {
    m.num_rows = 1000n;
  });
  await assert.rejects(readParquetDataset(sum), { message: /claims 1000 rows but its row groups hold 50/ });

  const outside = join(tmp.dir, 'outside.parquet');
  await writeParquetDataset(sampleDataset(50), outside);
  forgeFooter(outside, (m) => {
    const c = m.row_groups[0].columns[1].meta_data;
    assert.ok(c);
    c.total_compressed_size = 2n ** 40n;
  });
  await assert.rejects(readParquetDataset(outside), {
    message: new RegExp(`^${outside.replace(/[/.]/g, '\\$&')}: the Parquet footer places column actions`),
  });
  // The untouched file still reads.
  const ok = join(tmp.dir, 'ok.parquet');
  await writeParquetDataset(sampleDataset(50), ok);
  assert.equal((await readParquetDataset(ok)).size, 50);
  assert.ok(statSync(ok).size > 0);
});

test('a JSONL row error names the file and line even past the first chunk', async () => {
  const path = join(tmp.dir, 'late-error.jsonl');
  const fd = openSync(path, 'w');
  const rows = 30_000; // > 1 MiB, so the bad row is in a later read chunk
  writeSync(fd, `${ROW}\n`.repeat(rows));
  writeSync(fd, '{"obs": [0.1, 0.2], "actions": 1, "rewards": 1.0, "episode_starts": false}\n');
  closeSync(fd);
  await assert.rejects(readJsonlDataset(path), { message: new RegExp(`line ${rows + 1}: `) });
});
