/**
 * A pass over a msgpack frame's structure before anything is decoded: counts the values it holds and how deeply
 * containers nest, reads the top-level `type` string, and refuses a frame whose counts exceed the limits, whose
 * declared lengths overrun the bytes, or which uses an extension the protocol never sends. It allocates nothing
 * and reads each header once (O(bytes) at worst, O(1) for a container that declares more values than the limit
 * or than bytes left), so a frame that would decode into millions of objects or recurse a million levels deep
 * (msgpackr decodes recursively, one JS object per container) costs a few microseconds to refuse.
 */

export interface ScanLimits {
  /** Values of any kind (containers, their keys and elements, scalars), the top level included. */
  readonly maxElements: number;
  /** Nesting depth of containers (the top-level map is depth 1). */
  readonly maxDepth: number;
}

export type ScanResult =
  | {
      readonly ok: true;
      readonly elements: number;
      readonly depth: number;
      /** The top-level map's `type` string when it has one (ASCII, at most 32 bytes). */
      readonly type: string | undefined;
    }
  | {
      readonly ok: false;
      /** `limit`: well-formed so far but over the limits; `malformed`: not msgpack the protocol sends. */
      readonly kind: 'limit' | 'malformed';
      readonly detail: string;
    };

/** msgpackr's extension for typed arrays (`moreTypes`); no other extension crosses the wire. */
const TYPED_ARRAY_EXT = 0x74;
/** msgpackr's typed array codes 0..10 (Int8Array … BigUint64Array). */
const TYPED_ARRAY_CODES = 11;
/** Deepest nesting the pass tracks: the explicit stack below has this many levels. */
export const MAX_SCAN_DEPTH = 64;

const fail = (detail: string, kind: 'limit' | 'malformed' = 'malformed'): ScanResult => ({ ok: false, kind, detail });

/**
 * Checks the structure of `frame` against `limits`. Does not validate strings' UTF-8 or the values' meaning (the
 * decoder and the message schema do); only that decoding it is bounded.
 */
export function scanFrame(frame: Uint8Array, limits: ScanLimits): ScanResult {
  const maxDepth = Math.min(limits.maxDepth, MAX_SCAN_DEPTH);
  const end = frame.byteLength;
  // remaining[d]: values still to read in the container open at depth d (maps count keys and values).
  const remaining = new Float64Array(MAX_SCAN_DEPTH + 1);
  // At depth 1, whether the next value is a key (even index) of the top-level map.
  let topIndex = 0;
  let topIsMap = false;
  let typeKeyPending = false;
  let type: string | undefined;
  let depth = 0;
  let maxSeen = 0;
  let elements = 0;
  let pos = 0;
  remaining[0] = 1;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  while (depth >= 0) {
    if (remaining[depth] === 0) {
      depth--;
      continue;
    }
    if (pos >= end) return fail(`frame ends inside a value at byte ${pos}`);
    remaining[depth]--;
    elements++;
    if (elements > limits.maxElements) return fail(`more than ${limits.maxElements} values`, 'limit');
    const atTop = depth === 1 && topIsMap;
    const isKey = atTop && topIndex % 2 === 0;
    const isTypeValue = atTop && !isKey && typeKeyPending;
    if (atTop) topIndex++;
    const b = frame[pos++];
    let skip = 0;
    let open = -1;
    let containerIsMap = false;
    let strLen = -1;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
      // fixint, negative fixint, nil, false, true
    } else if (b >= 0x80 && b <= 0x8f) {
      open = (b & 0x0f) * 2;
      containerIsMap = true;
    } else if (b >= 0x90 && b <= 0x9f) {
      open = b & 0x0f;
    } else if (b >= 0xa0 && b <= 0xbf) {
      strLen = b & 0x1f;
    } else {
      const need = (n: number): boolean => pos + n <= end;
      switch (b) {
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd9:
        case 0xc4:
          if (!need(1)) return fail('truncated length');
          if (b === 0xd9) strLen = frame[pos];
          else skip = frame[pos];
          pos += 1;
          break;
        case 0xda:
        case 0xc5:
          if (!need(2)) return fail('truncated length');
          if (b === 0xda) strLen = view.getUint16(pos);
          else skip = view.getUint16(pos);
          pos += 2;
          break;
        case 0xdb:
        case 0xc6:
          if (!need(4)) return fail('truncated length');
          if (b === 0xdb) strLen = view.getUint32(pos);
          else skip = view.getUint32(pos);
          pos += 4;
          break;
        case 0xdc:
        case 0xde:
          if (!need(2)) return fail('truncated length');
          open = view.getUint16(pos) * (b === 0xde ? 2 : 1);
          containerIsMap = b === 0xde;
          pos += 2;
          break;
        case 0xdd:
        case 0xdf:
          if (!need(4)) return fail('truncated length');
          open = view.getUint32(pos) * (b === 0xdf ? 2 : 1);
          containerIsMap = b === 0xdf;
          pos += 4;
          break;
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          let len: number;
          if (b >= 0xd4) len = 1 << (b - 0xd4);
          else {
            const lenBytes = 1 << (b - 0xc7);
            if (!need(lenBytes)) return fail('truncated length');
            len = lenBytes === 1 ? frame[pos] : lenBytes === 2 ? view.getUint16(pos) : view.getUint32(pos);
            pos += lenBytes;
          }
          if (!need(1 + len)) return fail(`extension of ${len} bytes overruns the frame`);
          const extType = frame[pos];
          if (extType !== TYPED_ARRAY_EXT || len < 1 || frame[pos + 1] >= TYPED_ARRAY_CODES) {
            return fail(`msgpack extension ${extType} is not part of the protocol`);
          }
          skip = 1 + len;
          break;
        }
        default:
          return fail(`byte 0x${b.toString(16)} at ${pos - 1} does not start a msgpack value`);
      }
    }
    if (strLen >= 0) {
      if (pos + strLen > end) return fail(`string of ${strLen} bytes overruns the frame`);
      if (isKey) typeKeyPending = strLen === 4 && isAscii(frame, pos, 'type');
      else if (isTypeValue && strLen <= 32) type = asciiString(frame, pos, strLen);
      pos += strLen;
    } else {
      if (isKey) typeKeyPending = false;
      if (skip > 0) {
        if (pos + skip > end) return fail(`value of ${skip} bytes overruns the frame`);
        pos += skip;
      }
    }
    if (open >= 0) {
      // Every value takes at least one byte: a container declaring more than the bytes left is a lie.
      if (open > end - pos) return fail(`a container declares ${open} values with ${end - pos} bytes left`);
      if (elements + open > limits.maxElements) return fail(`more than ${limits.maxElements} values`, 'limit');
      if (depth + 1 > maxDepth) return fail(`containers nested deeper than ${maxDepth}`, 'limit');
      depth++;
      if (depth > maxSeen) maxSeen = depth;
      remaining[depth] = open;
      if (depth === 1) {
        topIsMap = containerIsMap;
        topIndex = 0;
      }
    }
  }
  if (pos !== end) return fail(`${end - pos} bytes after the message`);
  return { ok: true, elements, depth: maxSeen, type };
}

function isAscii(frame: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (frame[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function asciiString(frame: Uint8Array, at: number, len: number): string | undefined {
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = frame[at + i];
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}
