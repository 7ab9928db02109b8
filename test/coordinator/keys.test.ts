import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyFileError, readPublicKeyFile, readSecretKeyFile, writeKeyFiles } from '../../src/coordinator/keys.js';
import { tempDir } from './helpers/procs.js';

const dir = tempDir('keys');
after(() => dir.remove());

describe('CURVE key files', () => {
  it('write a public certificate and a secret one (mode 600) that read back as the same pair', () => {
    const { publicFile, secretFile } = writeKeyFiles(dir.path, 'coordinator');
    const pair = readSecretKeyFile(secretFile);
    assert.equal(readPublicKeyFile(publicFile), pair.publicKey);
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(publicFile, 'utf8'), /secret-key/);
  });

  it('accept a file holding just the 40-character public key', () => {
    const { publicFile } = writeKeyFiles(dir.path, 'bare');
    const key = readPublicKeyFile(publicFile);
    const bare = join(dir.path, 'bare.txt');
    writeFileSync(bare, `${key}\n`);
    assert.equal(readPublicKeyFile(bare), key);
  });

  it('explain what to do with a missing or wrong file', () => {
    assert.throws(
      () => readSecretKeyFile(join(dir.path, 'nope')),
      (e: unknown) => e instanceof KeyFileError && /evoscale keys generate/.test(e.message),
    );
    const { publicFile } = writeKeyFiles(dir.path, 'public-only');
    assert.throws(() => readSecretKeyFile(publicFile), /secret-key/);
  });
});
