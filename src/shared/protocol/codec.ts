/**
 * Frames: msgpack (msgpackr, typed arrays kept as typed arrays) with a version field. `decodeFrame` never
 * throws: a frame that is too large, undecodable, of another version or of the wrong shape comes back as
 * `{ ok: false, reason }` for the caller to count and answer or drop.
 */
import { Packr } from 'msgpackr';
import { DEFAULT_MAX_FRAME_BYTES, PROTOCOL_VERSION, type Message } from './messages.js';
import { SchemaError } from './schema.js';
import { validateMessage } from './validate.js';

// Records (msgpackr's shared structures) are off: every frame decodes on its own, whatever came before it.
const packr = new Packr({ moreTypes: true, useRecords: false, bundleStrings: false });

/** Why a frame was refused; also the `reason` label of evoscale_malformed_frames_total. */
export type FrameRejection = 'too_large' | 'undecodable' | 'not_a_message' | 'version' | 'invalid';

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
}

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
