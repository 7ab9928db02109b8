/**
 * Operators' logs: one line per event, JSON with a level name, an ISO time, `msg` and the run's id off a terminal;
 * the coordinator tags its lines with its run spec's runId and a worker with its workerId.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  bindLogFields,
  configureLogging,
  defaultLogFormat,
  lineLog,
  logger,
  newRunId,
  parseLogFormat,
} from '../../src/platform/log.js';
import {
  expectSuccess,
  freePort,
  killAll,
  spawnCli,
  tempDir,
  waitFor,
  type Proc,
} from '../coordinator/helpers/procs.js';
import { rolloutSpec, writeSpec } from '../coordinator/helpers/specs.js';

const dir = tempDir('log');
const procs: Proc[] = [];
after(() => {
  killAll(procs);
  dir.remove();
});

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('json format: level names, ISO time, msg, bound fields; the level threshold applies', () => {
  const file = join(dir.path, 'unit.log');
  configureLogging({ format: 'json', level: 'info', destination: file });
  bindLogFields({ runId: 'unit-run' });
  const log = lineLog();
  log('plain line');
  log('a warning', 'warn');
  log('not shown', 'debug');
  logger().info({ trial: 't1', percent: 40 }, 'with fields');
  const lines = jsonLines(readFileSync(file, 'utf8'));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.runId]),
    [
      ['info', 'plain line', 'unit-run'],
      ['warn', 'a warning', 'unit-run'],
      ['info', 'with fields', 'unit-run'],
    ],
  );
  for (const l of lines) assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(lines[2].trial, 't1');
  assert.equal(lines[2].percent, 40);
});

test('the format: EVOSCALE_LOG_FORMAT, else pretty on a terminal and json elsewhere; bad values refused', () => {
  assert.equal(defaultLogFormat({ isTTY: true }, {}), 'pretty');
  assert.equal(defaultLogFormat({ isTTY: false }, {}), 'json');
  assert.equal(defaultLogFormat({ isTTY: true }, { EVOSCALE_LOG_FORMAT: 'json' }), 'json');
  assert.throws(
    () => defaultLogFormat({}, { EVOSCALE_LOG_FORMAT: 'text' }),
    /EVOSCALE_LOG_FORMAT must be json or pretty/,
  );
  assert.throws(() => parseLogFormat('yaml'), /--log-format must be json or pretty \(got 'yaml'\)/);
});

test('run ids: EVOSCALE_RUN_ID when set, else kind, UTC time and a random tail', () => {
  assert.equal(newRunId('sweep', { EVOSCALE_RUN_ID: 'nightly-3' }), 'nightly-3');
  assert.match(newRunId('sweep', {}), /^sweep-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  assert.notEqual(newRunId('x', {}), newRunId('x', {}));
});

test("a coordinator's and its worker's lines: JSON with the run spec's runId, the worker's with its workerId", async () => {
  const spec = rolloutSpec({ runId: 'logged-run', populationSize: 96, generations: 6 });
  const endpoint = `tcp://127.0.0.1:${await freePort()}`;
  const out = join(dir.path, 'out');
  const coordinator = spawnCli(
    ['coordinator', '--run', writeSpec(dir.path, spec), '--out', out, '--bind', endpoint, '--placement', 'cluster'],
    {},
  );
  procs.push(coordinator);
  await waitFor('the coordinator to listen', () => coordinator.stderr().includes('listening on'), 120_000);
  const worker = spawnCli(['worker', '--connect', endpoint, '--threads', '1', '--id', 'log-w1', '--exit-on-bye']);
  procs.push(worker);
  await expectSuccess(coordinator, 'the coordinator');
  await expectSuccess(worker, 'the worker');

  const c = jsonLines(coordinator.stderr());
  assert.ok(c.length >= 2, coordinator.stderr());
  for (const l of c) assert.equal(l.runId, 'logged-run', JSON.stringify(l));
  assert.ok(c.some((l) => /worker log-w1 joined/.test(String(l.msg))));
  const w = jsonLines(worker.stderr());
  assert.ok(w.length >= 2, worker.stderr());
  for (const l of w) assert.equal(l.workerId, 'log-w1', JSON.stringify(l));
  assert.ok(
    w.some((l) => /holds run logged-run/.test(String(l.msg))),
    worker.stderr(),
  );
});
