/** Runtime validation of decoded messages: every field checked, unknown fields and types refused. */
import { resolveConfig } from '../algorithms/config.js';
import type { AlgorithmConfig, EvolutionSnapshot } from '../algorithms/types.js';
import { MAX_STOP_TRIALS, type Message, type MessageType } from './messages.js';
import { runSpec } from './run_spec.js';
import {
  anyNumber,
  array,
  bytes,
  fitnessArray,
  float32Array,
  id,
  int,
  jsonObject,
  literal,
  num,
  object,
  optional,
  record,
  SchemaError,
  str,
  type Check,
} from './schema.js';

const MAX_GENERATION = 0xffffffff;
const MAX_AGENTS = 1 << 24;
/** Files of one trial folder carried by train/trial_done (checkpoint, metrics, summary, final params). */
const MAX_FILES = 64;
const MAX_FILE_BYTES = 256 * 1024 * 1024;

const algorithmConfig: Check<AlgorithmConfig> = (v, path) => {
  try {
    return resolveConfig(v as AlgorithmConfig);
  } catch (e) {
    throw new SchemaError(path, `a valid algorithm configuration (${(e as Error).message})`);
  }
};

const snapshot: Check<EvolutionSnapshot> = object({
  config: algorithmConfig,
  seed: int(0, Number.MAX_SAFE_INTEGER),
  generation: int(0, MAX_GENERATION),
  populationSize: int(2, MAX_AGENTS),
  numParams: int(1, 2 ** 31 - 1),
  params: float32Array(),
  sigma: float32Array(),
  protectedRows: int(0, MAX_AGENTS),
  bestIndex: int(-1, MAX_AGENTS),
  bestFitness: anyNumber,
});

const snapshotOrNull: Check<EvolutionSnapshot | null> = (v, path) => (v === null ? null : snapshot(v, path));

const tell = object({ generation: int(0, MAX_GENERATION), fitness: fitnessArray(MAX_AGENTS) });

const files = record(bytes(MAX_FILE_BYTES), MAX_FILES);

/** Field checks of each message type (the envelope's `v` and `type` are checked before). */
const shapes: { [T in MessageType]: Check<Message> } = {
  hello: object(
    {
      type: literal('hello'),
      workerId: id,
      role: literal('evaluator', 'sgd'),
      backend: str(100),
      threads: int(1, 4096),
      software: str(100),
      session: id,
    },
    ['v'],
  ),
  welcome: object({ type: literal('welcome'), workerId: id, coordinatorId: id, heartbeatMs: int(10, 3_600_000) }, [
    'v',
  ]),
  assign: object({ type: literal('assign'), runId: id, spec: runSpec, snapshot: snapshotOrNull }, ['v']),
  evaluate: object(
    {
      type: literal('evaluate'),
      runId: id,
      shardId: int(0, Number.MAX_SAFE_INTEGER),
      generation: int(0, MAX_GENERATION),
      start: int(0, MAX_AGENTS),
      end: int(0, MAX_AGENTS),
      tells: array(tell, 1024),
    },
    ['v'],
  ),
  result: object(
    {
      type: literal('result'),
      runId: id,
      shardId: int(0, Number.MAX_SAFE_INTEGER),
      generation: int(0, MAX_GENERATION),
      start: int(0, MAX_AGENTS),
      end: int(0, MAX_AGENTS),
      fitness: fitnessArray(MAX_AGENTS),
      computeSeconds: num(0),
    },
    ['v'],
  ),
  release: object({ type: literal('release'), runId: id }, ['v']),
  heartbeat: object({ type: literal('heartbeat'), sentAt: num(), busy: int(0, 1 << 20) }, ['v']),
  train: object({ type: literal('train'), trialId: id, trial: jsonObject, files }, ['v']),
  progress: object({ type: literal('progress'), trialId: id, done: num(0), total: num(0), loss: optional(anyNumber) }, [
    'v',
  ]),
  trial_done: object({ type: literal('trial_done'), trialId: id, summary: jsonObject, files }, ['v']),
  stop: object({ type: literal('stop'), trialIds: array(id, MAX_STOP_TRIALS), reason: str(1000) }, ['v']),
  trial_stopped: object({ type: literal('trial_stopped'), trialId: id, step: int(0, Number.MAX_SAFE_INTEGER), files }, [
    'v',
  ]),
  bye: object({ type: literal('bye'), reason: str(1000) }, ['v']),
  error: object(
    {
      type: literal('error'),
      code: literal(
        'malformed',
        'too_large',
        'version',
        'hello_required',
        'unknown_run',
        'evaluation_failed',
        'trial_failed',
        'rejected',
      ),
      message: str(10_000),
      ref: optional(str(200)),
    },
    ['v'],
  ),
};

/** Cross-field rules the per-field checks cannot express. */
function checkConsistency(msg: Message): void {
  if (msg.type === 'evaluate' || msg.type === 'result') {
    if (msg.start > msg.end) throw new SchemaError('end', `an index ≥ start (${msg.start})`);
  }
  if (msg.type === 'result' && msg.fitness.length !== msg.end - msg.start) {
    throw new SchemaError('fitness', `${msg.end - msg.start} values (one per agent of [start, end))`);
  }
  if (msg.type === 'evaluate') {
    for (let i = 1; i < msg.tells.length; i++) {
      if (msg.tells[i].generation !== msg.tells[i - 1].generation + 1) {
        throw new SchemaError(`tells[${i}].generation`, 'consecutive generations, oldest first');
      }
    }
  }
  if (msg.type === 'trial_stopped' && Object.prototype.hasOwnProperty.call(msg.files, 'summary.json')) {
    // Stored as sent, it would mark the trial finished: a stopped trial must not pass for a finished one.
    throw new SchemaError('files.summary.json', 'no summary.json in a stopped trial (a finished one is a trial_done)');
  }
  if (msg.type === 'assign' && msg.snapshot !== null) {
    const s = msg.snapshot;
    if (s.params.length !== s.populationSize * s.numParams) {
      throw new SchemaError('snapshot.params', `${s.populationSize}×${s.numParams} values`);
    }
  }
}

/** Checks a decoded message body of known version; throws SchemaError on the first problem. */
export function validateMessage(value: Record<string, unknown>): Message {
  const type = Object.prototype.hasOwnProperty.call(value, 'type') ? value.type : undefined;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(shapes, type)) {
    throw new SchemaError('type', `one of ${Object.keys(shapes).join(', ')}`);
  }
  const msg = shapes[type as MessageType](value, '');
  checkConsistency(msg);
  return msg;
}
