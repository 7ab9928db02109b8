/** Reads fixtures/libm_glibc.json (recorded from glibc through Python, see record_libm.py) and regenerates its inputs. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../helpers/paths.js';

export interface RecordedSet {
  function: 'sin' | 'cos' | 'square';
  seed: number;
  scale: number;
  sha256: string;
  first: [string, string][];
}

export interface LibmFixture {
  count: number;
  sets: RecordedSet[];
  square_not_x_times_x: [string, string][];
}

export const fixture = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'shared', 'envs', 'fixtures', 'libm_glibc.json'), 'utf8'),
) as LibmFixture;

/** The recorder's inputs: xorshift32 words → u = 53-bit fraction in [0, 1) → (2u − 1)·scale. */
export function inputs(seed: number, scale: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let s = seed >>> 0;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const hi = next();
    const lo = next();
    out[i] = (2 * ((hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53) - 1) * scale;
  }
  return out;
}

/** A double from the recorder's hexadecimal little-endian bytes. */
export function fromHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleLE(0);
}

/** SHA-256 of the values as float64 little-endian, as the recorder hashes them. */
export function digest(values: Float64Array): string {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  return createHash('sha256').update(bytes).digest('hex');
}
