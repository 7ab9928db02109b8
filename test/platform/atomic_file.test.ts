/**
 * The atomic writer behind results, checkpoints, datasets, figures and the human-episode store: a file is
 * complete or absent (old or new content, never part of one), and a failed write leaves no temp file behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AtomicWriteError,
  isTempFile,
  writeFileAtomic,
  writeJsonAtomic,
  writeStreamAtomic,
} from '../../src/platform/atomic_file.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));
const moduleUrl = new URL('../../src/platform/atomic_file.js', import.meta.url).href;

describe('the atomic writer', () => {
  it('writes the whole file, creating its folder, and leaves no temp file', () => {
    const dir = join(root, 'a', 'deep');
    writeFileAtomic(join(dir, 'f.bin'), new Uint8Array([1, 2, 3]));
    writeJsonAtomic(join(dir, 'f.json'), { x: 1 });
    assert.deepEqual([...readFileSync(join(dir, 'f.bin'))], [1, 2, 3]);
    assert.equal(readFileSync(join(dir, 'f.json'), 'utf8'), '{\n  "x": 1\n}\n');
    assert.deepEqual(readdirSync(dir).sort(), ['f.bin', 'f.json']);
  });

  it('replaces an existing file with the new content', () => {
    const p = join(root, 'replace.txt');
    writeFileSync(p, 'old content, longer than the new');
    writeFileAtomic(p, 'new');
    assert.equal(readFileSync(p, 'utf8'), 'new');
  });

  it('on a failed write keeps the target as it was, removes its temp file and names the path', () => {
    const dir = join(root, 'fail');
    const target = join(dir, 'target');
    mkdirSync(join(target, 'occupied'), { recursive: true }); // renaming a file onto a non-empty folder fails
    assert.throws(
      () => writeFileAtomic(target, 'x'),
      (e: unknown) => e instanceof AtomicWriteError && e.message.includes(target) && e.code === 'ATOMIC_WRITE',
    );
    assert.deepEqual(readdirSync(dir), ['target']);
    assert.deepEqual(readdirSync(target), ['occupied']);
  });

  it('streamed: a writer that fails halfway leaves neither the target nor a temp file, and its error is kept', async () => {
    const dir = join(root, 'stream');
    const target = join(dir, 'data.jsonl');
    await assert.rejects(
      writeStreamAtomic(target, async (tmp) => {
        await writeFile(tmp, 'half of a');
        throw new RangeError('writer broke');
      }),
      (e: unknown) => e instanceof RangeError && e.message === 'writer broke',
    );
    assert.deepEqual(readdirSync(dir), []);
    await writeStreamAtomic(target, (tmp) => writeFile(tmp, 'whole\n'));
    assert.equal(readFileSync(target, 'utf8'), 'whole\n');
    assert.deepEqual(readdirSync(dir), ['data.jsonl']);
  });

  it('marks its temp files so that folder readers can skip them', () => {
    assert.equal(isTempFile('summary.json'), false);
    assert.equal(isTempFile('checkpoints/latest.msgpack.tmp-123-abc'), true);
  });

  it('a process killed while rewriting a file leaves it complete: every byte from one version, full length', async () => {
    const dir = join(root, 'crash');
    mkdirSync(dir);
    const target = join(dir, 'big.bin');
    const size = 4 << 20;
    // The child rewrites the file over and over, each version filled with its own byte, and says when it
    // has finished the first; it is killed without warning somewhere in a later write.
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(moduleUrl)});
      for (let v = 1; ; v++) {
        writeFileAtomic(${JSON.stringify(target)}, new Uint8Array(${size}).fill(v & 255));
        if (v === 1) process.stdout.write('ready\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`writer exited early (code ${code})`)));
    });
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const data = readFileSync(target);
    assert.equal(data.length, size);
    assert.ok(
      data.every((b) => b === data[0]),
      'the file mixes two versions',
    );
    assert.ok(
      readdirSync(dir).every((n) => n === 'big.bin' || isTempFile(n)),
      'only the target and temp files of the killed write',
    );
  });
});
