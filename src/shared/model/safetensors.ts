/**
 * The safetensors format (https://huggingface.co/docs/safetensors), float32 tensors only: what PyTorch's
 * `safetensors.torch.load_file` and Hugging Face tooling read. No npm package writes it (the `@huggingface/hub`
 * client only parses remote headers), and the format is small enough to write exactly:
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   a JSON object, UTF-8, padded with spaces to a multiple of 8 bytes: for each tensor
 *             `{"dtype":"F32","shape":[…],"data_offsets":[begin,end]}` (offsets into the data, end exclusive), and
 *             optionally `"__metadata__"`, a string → string map
 *   data      the tensors' bytes back to back, little-endian, row-major, no gaps
 * Pure and browser-safe: bytes in, bytes out.
 */
import { EvoscaleError } from '../errors.js';

/** A malformed safetensors file, or a tensor the writer cannot store. */
export class SafetensorsError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'SAFETENSORS_INVALID');
  }
}

export interface Float32Tensor {
  readonly shape: readonly number[];
  /** Row-major values; `data.length` is the product of `shape`. */
  readonly data: Float32Array;
}

export interface SafetensorsContent {
  /** Tensors by name, in the order of their data. */
  readonly tensors: Map<string, Float32Tensor>;
  readonly metadata: Record<string, string>;
}

const METADATA = '__metadata__';
/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER = 100_000_000;

function elements(name: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError(`tensor '${name}': shape entries must be non-negative integers, got [${shape.join(', ')}]`); // prettier-ignore
    }
    n *= d;
  }
  return n;
}

/** Encodes float32 tensors (in the given order) and string metadata as one safetensors file. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, Float32Tensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA] = { ...metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA || name === '') throw new SafetensorsError(`'${name}' cannot name a tensor`);
    const n = elements(name, t.shape);
    if (t.data.length !== n) {
      throw new SafetensorsError(`tensor '${name}': shape [${t.shape.join(', ')}] needs ${n} values, got ${t.data.length}`); // prettier-ignore
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/** Decodes a safetensors file of float32 tensors, checking the header as the reference implementation does. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContent {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (8-byte header length first)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > bytes.length) fail(`header length ${n} does not fit in ${bytes.length} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const entries: [string, { shape: number[]; begin: number; end: number }][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA) {
      const ok =
        typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
      if (!ok) fail('__metadata__ must map strings to strings');
      metadata = { ...(value as Record<string, string>) };
      continue;
    }
    const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (v.dtype !== 'F32') fail(`tensor '${name}' has dtype ${String(v.dtype)}; only F32 is supported here`);
    const offsets = v.data_offsets;
    if (!Array.isArray(v.shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      fail(`tensor '${name}' needs a shape array and data_offsets [begin, end]`);
    }
    const shape = v.shape as number[];
    const [begin, end] = offsets as number[];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin > end || end > data.length) {
      fail(`tensor '${name}': data_offsets [${String(begin)}, ${String(end)}] outside the ${data.length} data bytes`);
    }
    if (end - begin !== 4 * elements(name, shape)) {
      fail(`tensor '${name}': ${end - begin} bytes do not hold shape [${shape.join(', ')}] of F32`);
    }
    entries.push([name, { shape, begin, end }]);
  }
  entries.sort((a, b) => a[1].begin - b[1].begin);
  // The data must be covered exactly: no gaps, no overlaps, nothing after the last tensor.
  let expected = 0;
  for (const [name, e] of entries) {
    if (e.begin !== expected) fail(`tensor '${name}' starts at byte ${e.begin}, expected ${expected} (gap or overlap)`); // prettier-ignore
    expected = e.end;
  }
  if (expected !== data.length) fail(`${data.length - expected} bytes after the last tensor`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, Float32Tensor>();
  for (const [name, e] of entries) {
    const values = new Float32Array((e.end - e.begin) / 4);
    for (let i = 0; i < values.length; i++) values[i] = dv.getFloat32(e.begin + 4 * i, true);
    tensors.set(name, { shape: e.shape, data: values });
  }
  return { tensors, metadata };
}
