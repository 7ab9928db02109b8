/** A trial spec that arrives off the wire is checked against the trial spec schema before a worker runs it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeFrame,
  encodeMessage,
  type JsonObject,
  type TrainTrialMessage,
} from '../../../src/shared/protocol/index.js';
import { checkTrialSpec } from '../../../src/cluster/worker/trial_runner.js';
import { EXP1_DEFAULTS, planExp1 } from '../../../src/experiments/exp1.js';
import { EXP2_DEFAULTS, planExp2 } from '../../../src/experiments/exp2.js';
import { ConfigError } from '../../../src/shared/config/check.js';

const spec = planExp2({ ...EXP2_DEFAULTS, methods: ['ga_fixed_ce'] })[0];

/** The `trial` of a train message after encoding and decoding, as the worker receives it. */
function offTheWire(trial: unknown, trialId = spec.id): JsonObject {
  const msg: TrainTrialMessage = { type: 'train', trialId, trial: trial as JsonObject, files: {} };
  const decoded = decodeFrame(encodeMessage(msg));
  assert.ok(decoded.ok, JSON.stringify(decoded));
  return (decoded.msg as TrainTrialMessage).trial;
}

function refused(trial: unknown, message: RegExp): void {
  assert.throws(
    () => checkTrialSpec(offTheWire(trial), spec.id),
    (e: unknown) => e instanceof ConfigError && message.test(e.message),
  );
}

describe('trial specs off the wire', () => {
  it('accept every planned trial of experiments 1 and 2 unchanged', () => {
    for (const s of [...planExp1(EXP1_DEFAULTS).map((p) => p.spec), ...planExp2(EXP2_DEFAULTS)]) {
      assert.deepEqual(checkTrialSpec(offTheWire(s, s.id), s.id), s);
    }
  });

  it('refuse a seed sent as a string, naming the trial, key and value', () => {
    refused({ ...spec, seed: '0' }, new RegExp(`^trial ${spec.id}: seed: expected a non-negative integer, got "0"$`));
  });

  it('refuse a population size of the wrong type inside the method', () => {
    refused(
      { ...spec, method: { ...spec.method, populationSize: 1.5 } },
      /: method\.populationSize: expected an integer in \[2, 16777216\], got 1\.5$/,
    );
  });

  it('refuse an unknown method kind, naming the kinds it knows', () => {
    refused(
      { ...spec, method: { ...spec.method, kind: 'rl' } },
      /method\.kind: expected "sgd" or "ne" or "hybrid", got "rl"/,
    );
  });

  it('refuse a field the spec does not have (a newer or older coordinator)', () => {
    refused({ ...spec, learningRate: 1 }, /learningRate: unknown key; known keys: experiment, id, /);
  });

  it('refuse a spec with a field missing', () => {
    const { budget: _budget, ...partial } = spec;
    refused(partial, /budget: missing; expected an object/);
  });

  it('refuse a budget of text', () => {
    refused({ ...spec, budget: { steps: 'all' } }, /budget\.steps: expected a positive integer, got "all"/);
  });

  it('refuse a spec whose id is not the trial it was sent for', () => {
    assert.throws(() => checkTrialSpec(offTheWire(spec), 'other'), /does not match trial other/);
  });
});
