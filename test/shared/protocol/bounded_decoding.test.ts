/**
 * Decoding is bounded in objects and depth, not only bytes: frames that msgpack would turn into millions of
 * objects or a million nested levels are refused by the structural pass before msgpackr runs, and each message
 * type has its own size limit (a hello is tiny).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import {
  decodeFrame,
  DEFAULT_FRAME_LIMITS,
  encodeMessage,
  scanFrame,
  type Message,
} from '../../../src/shared/protocol/index.js';

const packr = new Packr({ moreTypes: true, useRecords: false });

/** The frame: a msgpack array32 of `n` empty maps (one byte each). */
function emptyMaps(bytes: number): Uint8Array {
  const n = bytes - 5;
  const frame = new Uint8Array(bytes).fill(0x80);
  frame[0] = 0xdd;
  new DataView(frame.buffer).setUint32(1, n);
  return frame;
}

/** `levels` nested one-element arrays (or maps) around nil. */
function nested(levels: number, map = false): Uint8Array {
  const frame = new Uint8Array(levels * (map ? 2 : 1) + 1);
  let p = 0;
  for (let i = 0; i < levels; i++) {
    if (map) {
      frame[p++] = 0x81;
      frame[p++] = 0x00; // key 0
    } else frame[p++] = 0x91;
  }
  frame[p] = 0xc0;
  return frame;
}

const hello: Message = {
  type: 'hello',
  workerId: 'w1',
  role: 'evaluator',
  backend: 'cpu',
  threads: 2,
  software: 'evoscale 0.1.0',
  session: 's1',
};

describe('bounded decoding', () => {
  it('refuses the 64 MiB frame of 67 million empty maps from its header, without decoding it', () => {
    const frame = emptyMaps(64 * 1024 * 1024);
    const r = decodeFrame(frame, { maxBytes: 64 * 1024 * 1024 });
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, 'too_complex');
    assert.match(r.ok ? '' : r.detail, /more than \d+ values/);
    // The structural pass alone, with limits as large as the frame: still refused (by the type-less limits).
    const scan = scanFrame(frame, { maxElements: 1e9, maxDepth: 64 });
    assert.equal(scan.ok, true, 'well-formed msgpack');
    assert.equal(scan.ok ? scan.elements : 0, 64 * 1024 * 1024 - 5 + 1);
  });

  it('refuses nesting bombs of arrays and of maps a million levels deep', () => {
    for (const map of [false, true]) {
      const r = decodeFrame(nested(1_000_000, map));
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.reason, 'too_complex');
      assert.match(r.ok ? '' : r.detail, /nested deeper than/);
    }
  });

  it('refuses a container that declares more values than bytes left', () => {
    const frame = Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x80]);
    const r = scanFrame(frame, { maxElements: 2 ** 40, maxDepth: 64 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.detail, /declares 4294967295 values with 1 bytes left/);
  });

  it('holds each message type to its own size: a 5 KiB hello is refused, a 1 KiB one passes the size check', () => {
    const big = encodeMessage({ ...hello, software: 'x'.repeat(5000) } as Message);
    const r = decodeFrame(big);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, 'too_large');
    assert.match(r.ok ? '' : r.detail, /'hello' frame of \d+ bytes > limit 4096/);
    assert.ok(DEFAULT_FRAME_LIMITS.heartbeat.maxBytes <= 256);
    assert.equal(decodeFrame(encodeMessage(hello)).ok, true);
  });

  it('lets a caller narrow a type’s limits (a result only as large as the shards a peer holds)', () => {
    const result: Message = {
      type: 'result',
      runId: 'r',
      shardId: 1,
      generation: 0,
      start: 0,
      end: 1000,
      fitness: new Float64Array(1000),
      computeSeconds: 0.1,
    };
    const frame = encodeMessage(result);
    const limits = (t: string | undefined) => ({ ...DEFAULT_FRAME_LIMITS.result, maxBytes: t === 'result' ? 1024 : 0 });
    const r = decodeFrame(frame, { limits });
    assert.equal(r.ok ? '' : r.reason, 'too_large');
    assert.equal(decodeFrame(frame).ok, true);
  });

  it('refuses msgpack extensions the protocol never sends (records, structured clones, sets, errors)', () => {
    for (const ext of [0x72, 0x69, 0x70, 0x73, 0x65, 0x78, 0x42, 0xff]) {
      const frame = Uint8Array.from([0x81, 0xa1, 0x61, 0xd4, ext, 0x00]);
      const r = decodeFrame(frame);
      assert.equal(r.ok, false, `extension ${ext}`);
      assert.match(r.ok ? '' : r.detail, new RegExp(`extension ${ext} is not part of the protocol`));
    }
  });

  it('reads the type of any valid message and counts typed arrays as one value', () => {
    const frame = encodeMessage({
      type: 'result',
      runId: 'r',
      shardId: 3,
      generation: 2,
      start: 0,
      end: 100_000,
      fitness: new Float32Array(100_000),
      computeSeconds: 1,
    });
    const scan = scanFrame(frame, { maxElements: 100, maxDepth: 4 });
    assert.equal(scan.ok, true);
    assert.equal(scan.ok ? scan.type : '', 'result');
    assert.ok(scan.ok && scan.elements < 20);
  });

  it('agrees with msgpackr on arbitrary values: whatever the pass accepts, msgpackr decodes with no more values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const frame = packr.pack(value);
        const scan = scanFrame(frame, { maxElements: 1e6, maxDepth: 64 });
        assert.equal(scan.ok, true);
        assert.doesNotThrow(() => packr.unpack(frame));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        scanFrame(bytes, { maxElements: 1000, maxDepth: 16 });
        decodeFrame(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
