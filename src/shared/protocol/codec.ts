/**
 * Frames: msgpack (msgpackr, typed arrays kept as typed arrays) with a version field. `decodeFrame` never
 * throws: a frame that is too large, too complex, undecodable, of another version or of the wrong shape comes
 * back as `{ ok: false, reason }` for the caller to count and answer or drop.
 *
 * Decoding is bounded three ways before msgpackr runs: the frame's bytes against the absolute limit, then a
 * structural pass (`scanFrame`, no allocation) that reads the message type and counts values and nesting, then
 * the bytes, values and depth against that type's limits (`FrameLimits`). A hello is a few hundred bytes, so a
 * 64 MiB "hello" is refused before a single object is built.
 */
import { Packr } from 'msgpackr';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_STOP_TRIALS,
  PROTOCOL_VERSION,
  type Message,
  type MessageType,
} from './messages.js';
import { scanFrame } from './prescan.js';
import { SchemaError } from './schema.js';
import { validateMessage } from './validate.js';

// Records (msgpackr's shared structures) are off: every frame decodes on its own, whatever came before it.
const packr = new Packr({ moreTypes: true, useRecords: false, bundleStrings: false });

/** Why a frame was refused; also the `reason` label of evoscale_malformed_frames_total. */
export type FrameRejection = 'too_large' | 'too_complex' | 'undecodable' | 'not_a_message' | 'version' | 'invalid';

/** What one frame of a message type may hold. */
export interface FrameLimits {
  readonly maxBytes: number;
  /** Values of any kind (containers, keys, elements, scalars; a typed array counts as one). */
  readonly maxElements: number;
  /** Container nesting (the message's own map is 1). */
  readonly maxDepth: number;
}

const small = (maxBytes: number, maxElements = 32, maxDepth = 2): FrameLimits => ({ maxBytes, maxElements, maxDepth });
const BIG = Number.MAX_SAFE_INTEGER;

/**
 * Default limits per message type, generous for what honest peers send (a hello is ~150 bytes, a heartbeat ~40).
 * Large frames are only `assign` (a snapshot), `evaluate` (fitness vectors), `result`, `train`, `trial_done` and
 * `trial_stopped` (a trial folder); their byte limit here is the absolute one, and a server narrows them per peer (a `result`
 * only as large as the shards that peer holds).
 */
export const DEFAULT_FRAME_LIMITS: Readonly<Record<MessageType, FrameLimits>> = {
  hello: small(4096),
  welcome: small(1024),
  heartbeat: small(256),
  bye: small(8192),
  // An error's message may hold 10 000 characters of up to 4 bytes each.
  error: small(65_536),
  progress: small(1024),
  release: small(1024),
  result: { maxBytes: BIG, maxElements: 32, maxDepth: 2 },
  evaluate: { maxBytes: BIG, maxElements: 16_384, maxDepth: 4 },
  assign: { maxBytes: BIG, maxElements: 16_384, maxDepth: 16 },
  train: { maxBytes: BIG, maxElements: 1_000_000, maxDepth: 32 },
  trial_done: { maxBytes: BIG, maxElements: 1_000_000, maxDepth: 32 },
  trial_stopped: { maxBytes: BIG, maxElements: 1_000_000, maxDepth: 32 },
  // Ids of at most 200 ASCII characters (3 bytes of header each), a reason of up to 1000 characters of 4 bytes.
  stop: { maxBytes: MAX_STOP_TRIALS * 203 + 8192, maxElements: MAX_STOP_TRIALS + 16, maxDepth: 2 },
};

/** Limits of a frame whose type is missing or unknown: room for a useful error, nothing more. */
export const UNKNOWN_TYPE_LIMITS: FrameLimits = small(4096, 64, 4);

export type DecodeResult =
  | { readonly ok: true; readonly msg: Message; readonly bytes: number }
  | {
      readonly ok: false;
      readonly reason: FrameRejection;
      /** What was wrong, for logs and the `error` reply. */
      readonly detail: string;
      /** The sender's protocol version when it could be read. */
      readonly version?: number;
      readonly bytes: number;
    };

export interface DecodeOptions {
  /** Frames longer than this are refused before decoding (default 64 MiB). */
  readonly maxBytes?: number;
  /** Limits for a frame of `type` (default DEFAULT_FRAME_LIMITS, UNKNOWN_TYPE_LIMITS for an unknown type). */
  readonly limits?: (type: string | undefined) => FrameLimits;
}

/** The default limits of a frame whose top-level `type` reads `type`. */
export function defaultFrameLimits(type: string | undefined): FrameLimits {
  return type !== undefined && Object.prototype.hasOwnProperty.call(DEFAULT_FRAME_LIMITS, type)
    ? DEFAULT_FRAME_LIMITS[type as MessageType]
    : UNKNOWN_TYPE_LIMITS;
}

/** The largest limits of any type: the structural pass stops at these before the type is known. */
const SCAN_CEILING = Object.values(DEFAULT_FRAME_LIMITS).reduce(
  (a, l) => ({
    maxBytes: BIG,
    maxElements: Math.max(a.maxElements, l.maxElements),
    maxDepth: Math.max(a.maxDepth, l.maxDepth),
  }),
  UNKNOWN_TYPE_LIMITS,
);

/** Encodes a message as one frame (adds the protocol version). */
export function encodeMessage(msg: Message): Uint8Array {
  return packr.pack({ v: PROTOCOL_VERSION, ...msg });
}

/** Decodes and validates one frame; never throws. */
export function decodeFrame(frame: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const bytes = frame.byteLength;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (bytes > maxBytes) return { ok: false, reason: 'too_large', detail: `${bytes} bytes > limit ${maxBytes}`, bytes };
  if (bytes === 0) return { ok: false, reason: 'undecodable', detail: 'empty frame', bytes };
  const limitsFor = options.limits ?? defaultFrameLimits;
  const scan = scanFrame(frame, SCAN_CEILING);
  if (!scan.ok) {
    return { ok: false, reason: scan.kind === 'limit' ? 'too_complex' : 'undecodable', detail: scan.detail, bytes };
  }
  const limits = limitsFor(scan.type);
  const what = scan.type !== undefined ? `a '${scan.type}' frame` : 'a frame without a known type';
  if (bytes > limits.maxBytes) {
    return { ok: false, reason: 'too_large', detail: `${what} of ${bytes} bytes > limit ${limits.maxBytes}`, bytes };
  }
  if (scan.elements > limits.maxElements || scan.depth > limits.maxDepth) {
    return {
      ok: false,
      reason: 'too_complex',
      detail: `${what} with ${scan.elements} values nested ${scan.depth} deep > limits ${limits.maxElements} values, depth ${limits.maxDepth}`,
      bytes,
    };
  }
  let value: unknown;
  try {
    value = packr.unpack(frame);
  } catch (e) {
    return { ok: false, reason: 'undecodable', detail: describe(e), bytes };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    return { ok: false, reason: 'not_a_message', detail: 'frame is not a msgpack map', bytes };
  }
  const body = value as Record<string, unknown>;
  const v = Object.prototype.hasOwnProperty.call(body, 'v') ? body.v : undefined;
  if (v !== PROTOCOL_VERSION) {
    const version = typeof v === 'number' ? v : undefined;
    return {
      ok: false,
      reason: 'version',
      detail: `protocol version ${String(v)}; this side speaks ${PROTOCOL_VERSION}: run the same evoscale release on coordinator and workers`,
      ...(version !== undefined ? { version } : {}),
      bytes,
    };
  }
  try {
    return { ok: true, msg: validateMessage(body), bytes };
  } catch (e) {
    return { ok: false, reason: 'invalid', detail: describe(e), bytes };
  }
}

function describe(e: unknown): string {
  if (e instanceof SchemaError) return e.message;
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
