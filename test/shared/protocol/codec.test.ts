import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { simpleGa, snapshotState } from '../../../src/shared/algorithms/index.js';
import {
  decodeFrame,
  encodeMessage,
  PROTOCOL_VERSION,
  type Message,
  type NeRunSpec,
} from '../../../src/shared/protocol/index.js';

const spec: NeRunSpec = {
  runId: 'r1',
  experiment: 'ne',
  algorithm: 'simple_ga',
  populationSize: 4,
  mutation: { mode: 'adaptive_sigma', sigmaInit: 1e-3, sigmaNoise: 1e-2 },
  model: { inputs: 4, hidden: [3], outputs: 2, activation: 'tanh' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2 },
  generations: 10,
  seed: 7,
};

const snapshot = snapshotState(simpleGa.init(new Float32Array(23).fill(0.5), { populationSize: 4 }, 7));

const samples: Message[] = [
  {
    type: 'hello',
    workerId: 'w-1',
    role: 'evaluator',
    backend: 'cpu',
    threads: 2,
    software: 'evoscale 0.1.0',
    session: 's-1',
  },
  { type: 'welcome', workerId: 'w-1', coordinatorId: 'c-1', heartbeatMs: 1000 },
  { type: 'assign', runId: 'r1', spec, snapshot: null },
  { type: 'assign', runId: 'r1', spec, snapshot },
  {
    type: 'evaluate',
    runId: 'r1',
    shardId: 3,
    generation: 2,
    start: 1,
    end: 3,
    tells: [
      { generation: 0, fitness: new Float64Array([1, 2, 3, 4]) },
      { generation: 1, fitness: new Float64Array([4, 3, 2, 1]) },
    ],
  },
  {
    type: 'result',
    runId: 'r1',
    shardId: 3,
    generation: 2,
    start: 1,
    end: 3,
    fitness: new Float32Array([0.5, -1.25]),
    computeSeconds: 0.01,
  },
  { type: 'release', runId: 'r1' },
  { type: 'heartbeat', sentAt: 123456, busy: 1 },
  {
    type: 'train',
    trialId: 't1',
    trial: { id: 't1', experiment: 'exp2', seed: 0 },
    files: { 'checkpoints/latest.msgpack': new Uint8Array([1, 2, 3]) },
  },
  { type: 'progress', trialId: 't1', done: 5, total: 10, loss: 0.7 },
  {
    type: 'trial_done',
    trialId: 't1',
    summary: { paramsSha256: 'ab' },
    files: { 'summary.json': new Uint8Array([123, 125]) },
  },
  { type: 'stop', trialIds: ['t1', 't2'], reason: 'the coordinator is stopping' },
  {
    type: 'trial_stopped',
    trialId: 't1',
    step: 1234,
    files: { 'checkpoints/latest.msgpack': new Uint8Array([1, 2, 3]), 'metrics.jsonl': new Uint8Array([10]) },
  },
  { type: 'bye', reason: 'shutdown' },
  { type: 'error', code: 'unknown_run', message: 'no replica', ref: '3' },
];

const packr = new Packr({ useRecords: false, moreTypes: true });

describe('protocol frames', () => {
  for (const msg of samples) {
    it(`${/^[aeiou]/.test(msg.type) ? 'an' : 'a'} ${msg.type} message survives encode → decode unchanged (typed arrays included)`, () => {
      const decoded = decodeFrame(encodeMessage(msg));
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.detail);
      assert.deepEqual(decoded.msg, msg);
    });
  }

  it('never throws on arbitrary bytes, and refuses them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = decodeFrame(bytes);
        return r.ok === false;
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses every truncation of a valid frame', () => {
    for (const msg of samples) {
      const frame = encodeMessage(msg);
      for (let n = 0; n < frame.length; n++) {
        const r = decodeFrame(frame.subarray(0, n));
        assert.equal(r.ok, false, `${msg.type} cut at ${n} bytes was accepted`);
      }
    }
  });

  it('refuses a frame over the size limit before decoding it', () => {
    const frame = encodeMessage(samples[4]);
    const r = decodeFrame(frame, { maxBytes: frame.length - 1 });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'too_large');
  });

  it('names the sender’s version when it speaks another one', () => {
    const r = decodeFrame(packr.pack({ v: PROTOCOL_VERSION + 1, type: 'heartbeat', sentAt: 1, busy: 0 }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'version');
    assert.equal(!r.ok && r.version, PROTOCOL_VERSION + 1);
  });

  it('refuses unknown fields, bad ids and out-of-range numbers with the field’s path', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ v: 1, type: 'heartbeat', sentAt: 1, busy: 0, extra: 1 }, /extra: expected no such field/],
      [{ v: 1, type: 'release', runId: '../../etc' }, /runId/],
      [
        { v: 1, type: 'hello', workerId: 'w', role: 'boss', backend: 'cpu', threads: 1, software: 'x', session: 's' },
        /role/,
      ],
      [
        { v: 1, type: 'assign', runId: 'r', spec: { ...spec, populationSize: 1 }, snapshot: null },
        /spec\.populationSize/,
      ],
      [
        {
          v: 1,
          type: 'assign',
          runId: 'r',
          spec: { ...spec, task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 0 } },
          snapshot: null,
        },
        /spec\.task\.episodes/,
      ],
      [{ v: 1, type: 'nonsense' }, /type/],
    ];
    for (const [body, path] of cases) {
      const r = decodeFrame(packr.pack(body));
      assert.equal(r.ok, false, JSON.stringify(body));
      assert.equal(!r.ok && r.reason, 'invalid');
      assert.match(!r.ok ? r.detail : '', path);
    }
  });

  it('refuses a result whose fitness length does not match its row range', () => {
    const r = decodeFrame(encodeMessage({ ...(samples[5] as Extract<Message, { type: 'result' }>), end: 4 }));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.detail : '', /fitness/);
  });

  it('refuses a stopped trial that carries a summary.json (it would pass for a finished one)', () => {
    const r = decodeFrame(
      encodeMessage({
        type: 'trial_stopped',
        trialId: 't1',
        step: 5,
        files: { 'summary.json': new Uint8Array([123]) },
      }),
    );
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'invalid');
    assert.match(!r.ok ? r.detail : '', /summary\.json/);
  });

  it('refuses a stop naming more trials than a worker can run, or ids that are not ids', () => {
    const many = Array.from({ length: 4097 }, (_, i) => `t${i}`);
    const tooMany = decodeFrame(encodeMessage({ type: 'stop', trialIds: many, reason: 'x' }));
    assert.equal(tooMany.ok, false);
    const badId = decodeFrame(packr.pack({ v: 1, type: 'stop', trialIds: ['../etc'], reason: 'x' }));
    assert.equal(badId.ok, false);
    assert.match(!badId.ok ? badId.detail : '', /trialIds\[0\]/);
    const negative = decodeFrame(packr.pack({ v: 1, type: 'trial_stopped', trialId: 't', step: -1, files: {} }));
    assert.equal(negative.ok, false);
    assert.match(!negative.ok ? negative.detail : '', /step/);
  });

  it('refuses non-consecutive tells (a replica could not apply them)', () => {
    const evaluate = samples[4] as Extract<Message, { type: 'evaluate' }>;
    const r = decodeFrame(encodeMessage({ ...evaluate, tells: [evaluate.tells[1], evaluate.tells[0]] }));
    assert.equal(r.ok, false);
  });

  it('does not let a crafted __proto__ key reach the prototype chain', () => {
    const r = decodeFrame(
      packr.pack({ v: 1, type: 'train', trialId: 't', trial: JSON.parse('{"__proto__": {"polluted": 1}}'), files: {} }),
    );
    assert.equal(({} as { polluted?: number }).polluted, undefined);
    if (r.ok) assert.equal((r.msg as { trial: { polluted?: unknown } }).trial.polluted, undefined);
  });

  it('costs O(population) bytes per generation, not O(population × parameters)', () => {
    const P = 1000;
    const numParams = 4 * 50 + 50 + 50 * 2 + 2;
    const evaluate = encodeMessage({
      type: 'evaluate',
      runId: 'r1',
      shardId: 1,
      generation: 5,
      start: 0,
      end: 500,
      tells: [{ generation: 4, fitness: new Float64Array(P) }],
    });
    const result = encodeMessage({
      type: 'result',
      runId: 'r1',
      shardId: 1,
      generation: 5,
      start: 0,
      end: 500,
      fitness: new Float64Array(500),
      computeSeconds: 1,
    });
    assert.ok(evaluate.length < 8 * P + 200, `evaluate: ${evaluate.length} bytes`);
    assert.ok(result.length < 8 * 500 + 200, `result: ${result.length} bytes`);
    assert.ok(evaluate.length + result.length < (P * numParams * 4) / 50);
  });
});
