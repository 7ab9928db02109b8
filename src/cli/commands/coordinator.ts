import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { EvoscaleError, InvalidArgumentError } from '../../shared/errors.js';
import { createEmbeddedCluster } from '../../coordinator/embedded.js';
import { readSecretKeyFile } from '../../coordinator/keys.js';
import {
  checkEndpoint,
  DEFAULT_METRICS_HOST,
  onShutdown,
  resumeCommand,
  startMetrics,
  stderrLog,
} from '../../coordinator/launch.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { RunInterruptedError, runNe } from '../../coordinator/ne_run.js';
import { OffThreadEngine } from '../../worker/runtime/off_thread_engine.js';
import { DEFAULT_THREAD_OVERHEAD_SECONDS, type Placement } from '../../coordinator/placement.js';
import { readRunSpecFile } from '../../coordinator/run_file.js';
import { CoordinatorServer } from '../../coordinator/transport/server.js';
import { DEFAULT_AUDIT_RATE } from '../../coordinator/guard/audit.js';
import { runSweep, SweepInterruptedError } from '../../coordinator/sweep/run_sweep.js';
import { remoteTrialExecutor } from '../../coordinator/sweep/executors.js';
import { embeddedTrialExecutor } from '../../trials/executor.js';
import { planSweep, readSweepFile } from '../../experiments/sweep_plan.js';
import { loadBackend, parseBackend } from '../../worker/engine/backends.js';
import { parseIntOption } from '../options.js';
import { lockResultsDir } from '../../experiments/results_dir.js';
import { bindLogFields, newRunId } from '../../platform/log.js';

export interface CoordinatorFlags {
  bind?: string;
  run?: string;
  sweep?: string;
  out: string;
  threads?: string;
  placement: string;
  checkpointEvery: string;
  resume: boolean;
  minWorkers: string;
  curveSecret?: string;
  metricsPort?: string;
  metricsHost?: string;
  auditRate?: string;
  heartbeatMs: string;
  missedHeartbeats: string;
  shardTimeout: string;
  maxFrameBytes: string;
  /** `sweep --backend`: overrides the sweep file's settings for every trial. */
  backend?: string;
}

function placementOf(raw: string): Placement {
  if (raw !== 'auto' && raw !== 'local' && raw !== 'cluster') {
    throw new InvalidArgumentError(`--placement must be auto, local or cluster (got '${raw}')`);
  }
  return raw;
}

/** `--audit-rate`: a share of agents in [0, 1]. */
export function parseAuditRate(raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new InvalidArgumentError(
      `--audit-rate must be a share of agents between 0 and 1 (got '${raw}'); the default is ${DEFAULT_AUDIT_RATE}`,
    );
  }
  return v;
}

/** Starts the ZeroMQ server from flags (or returns undefined for the embedded default). */
export async function startServerFromFlags(
  flags: CoordinatorFlags,
  metrics: RuntimeMetrics | undefined,
): Promise<CoordinatorServer | undefined> {
  if (flags.bind === undefined) {
    if (flags.curveSecret !== undefined)
      throw new InvalidArgumentError('--curve-secret needs --bind (CURVE protects the network endpoint)');
    return undefined;
  }
  const heartbeatMs = parseIntOption('--heartbeat-ms', flags.heartbeatMs, 10, 600_000);
  const server = new CoordinatorServer({
    bind: checkEndpoint('--bind', flags.bind),
    heartbeatMs,
    missedHeartbeats: parseIntOption('--missed-heartbeats', flags.missedHeartbeats, 1, 1000),
    shardTimeoutMs: parseIntOption('--shard-timeout', flags.shardTimeout, 1, 86_400) * 1000,
    maxFrameBytes: parseIntOption('--max-frame-bytes', flags.maxFrameBytes, 1024, 2 ** 30),
    ...(flags.auditRate !== undefined ? { auditRate: parseAuditRate(flags.auditRate) } : {}),
    ...(flags.curveSecret !== undefined ? { curve: readSecretKeyFile(flags.curveSecret) } : {}),
    ...(metrics !== undefined ? { metrics } : {}),
    log: stderrLog,
  });
  await server.start();
  stderrLog(
    `coordinator ${server.id} listening on ${server.endpoint}${flags.curveSecret !== undefined ? ' (CURVE)' : ''}`,
  );
  return server;
}

/** Runs an NE run spec or a sweep, sharded over remote workers (--bind) or embedded threads. */
async function coordinatorAction(flags: CoordinatorFlags): Promise<void> {
  if ((flags.run === undefined) === (flags.sweep === undefined)) {
    throw new InvalidArgumentError('give exactly one of --run <spec.json|yaml> or --sweep <file>');
  }
  const metricsPort =
    flags.metricsPort !== undefined ? parseIntOption('--metrics-port', flags.metricsPort, 0, 65535) : undefined;
  const threads =
    flags.threads !== undefined ? parseIntOption('--threads', flags.threads, 1, 4096) : availableParallelism();
  const minWorkers = parseIntOption('--min-workers', flags.minWorkers, 0, 100_000);
  const checkpointEvery = parseIntOption('--checkpoint-every', flags.checkpointEvery, 0);
  const placement = placementOf(flags.placement);
  const spec = flags.run !== undefined ? readRunSpecFile(flags.run) : undefined;
  bindLogFields({ runId: spec?.runId ?? newRunId('sweep') });
  // One writer per results folder, as for `run`: two coordinators or sweeps into one --out would interleave files.
  const unlock = lockResultsDir(flags.out);
  const closers: (() => Promise<void>)[] = [];
  const { metrics, server: metricsServer } = await startMetrics(metricsPort, stderrLog, flags.metricsHost).catch(
    (e: unknown) => {
      unlock();
      throw e;
    },
  );
  const server = await startServerFromFlags(flags, metrics).catch(async (e: unknown) => {
    await metricsServer?.close();
    unlock();
    throw e;
  });
  if (server !== undefined) closers.push(() => server.close());
  if (metricsServer !== undefined) closers.push(() => metricsServer.close());
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  let finished: () => void = () => {};
  const wound = new Promise<void>((resolve) => (finished = resolve));
  const shutdown = onShutdown(async (signal) => {
    stderrLog(`coordinator: ${signal}; stopping (a second signal exits at once)`);
    // The run notices the abort, writes its checkpoint and closes everything itself; wait for it.
    await wound;
  });
  try {
    if (server !== undefined && minWorkers > 0) {
      stderrLog(`coordinator: waiting for ${minWorkers} worker${minWorkers === 1 ? '' : 's'}`);
      await waitForWorkers(server, minWorkers, flags.sweep !== undefined, shutdown.signal);
    }
    if (spec !== undefined) {
      const embedded = server === undefined ? createEmbeddedCluster(threads, { metrics, log: stderrLog }) : undefined;
      if (embedded !== undefined) closers.unshift(() => embedded.close());
      // Generations placed locally run on --threads threads of the engine's pool, off this thread, which keeps
      // serving /metrics, heartbeats and new workers; the placement rule prices them at that many threads.
      const localEngine = new OffThreadEngine(threads);
      closers.unshift(() => localEngine.close());
      const outDir = join(flags.out, spec.experiment, spec.runId);
      const result = await runNe(spec, {
        localEngine,
        signal: shutdown.signal,
        cluster: server?.cluster ?? embedded?.cluster,
        placement,
        outDir,
        checkpointEvery,
        resume: flags.resume,
        metrics,
        log: stderrLog,
        sharedState: embedded !== undefined,
        ...(embedded !== undefined ? { defaultOverheadSeconds: DEFAULT_THREAD_OVERHEAD_SECONDS } : {}),
        ...(server !== undefined ? { wireBytes: () => server.generationBytes() } : {}),
        onGeneration: (r) => {
          if (r.generation % 10 === 0 || r.generation === spec.generations - 1) {
            stderrLog(
              `run ${spec.runId}: generation ${r.generation} best ${r.best} median ${r.median} (${r.placement}, ${r.wallSeconds.toFixed(3)} s)`,
            );
          }
        },
      });
      process.stdout.write(
        JSON.stringify(
          {
            runId: spec.runId,
            out: outDir,
            generations: result.generations,
            bestFitness: result.bestFitness,
            paramsSha256: result.paramsSha256,
            resumedFrom: result.resumedFrom,
            generationsLocal: result.generationsLocal,
            generationsSharded: result.generationsSharded,
            ...(result.bytesPerGeneration !== undefined ? { bytesPerGeneration: result.bytesPerGeneration } : {}),
            wallSeconds: result.wallSeconds,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const file = readSweepFile(flags.sweep as string);
      const backend = flags.backend !== undefined ? parseBackend(flags.backend, '--backend') : undefined;
      const plan = planSweep(file, flags.sweep as string, flags.out, backend);
      // On embedded threads, refuse a backend that is not installed before any trial starts (workers load their own).
      if (server === undefined) {
        for (const b of new Set(plan.trials.map((t) => t.spec.backend ?? 'cpu'))) await loadBackend(b);
      }
      const executor = server !== undefined ? remoteTrialExecutor(server) : embeddedTrialExecutor(threads);
      closers.unshift(() => executor.close());
      const result = await runSweep(plan, executor, { metrics, log: stderrLog, signal: shutdown.signal });
      process.stdout.write(
        JSON.stringify(
          { out: plan.out, skipped: result.skipped.length, ran: result.ran.length, failed: result.failed },
          null,
          2,
        ) + '\n',
      );
      if (result.failed.length > 0) process.exitCode = 1;
    }
  } catch (err) {
    if (!(err instanceof RunInterruptedError || err instanceof SweepInterruptedError || err instanceof StoppedError))
      throw err;
    process.stderr.write(`evoscale: ${err.message}\nresume with: ${resumeCommand([], ['--no-resume'])}\n`);
  } finally {
    await closeAll();
    unlock();
    finished();
  }
}

/** Stopped by a signal before the run began. */
export class StoppedError extends EvoscaleError {
  constructor() {
    super('stopped before the run began; nothing to save', 'STOPPED');
  }
}

/** Waits until `count` workers (evaluators unless `anyRole`) are connected; a signal stops the wait (StoppedError). */
export async function waitForWorkers(
  server: CoordinatorServer,
  count: number,
  anyRole: boolean,
  signal: AbortSignal,
): Promise<void> {
  const enough = (): boolean =>
    (anyRole ? server.connected().length : server.connected().filter((w) => w.role === 'evaluator').length) >= count;
  while (!enough()) {
    if (signal.aborted) throw new StoppedError();
    await new Promise<void>((resolve) => {
      server.onWorker(() => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

/** Adds the options shared by `coordinator` and `sweep`. */
export function addCoordinatorOptions(cmd: Command): Command {
  return (
    cmd
      .option(
        '--bind <endpoint>',
        'serve remote workers on this ZeroMQ endpoint, e.g. tcp://0.0.0.0:5555 (default: embedded threads, no network)',
      )
      .option('--out <dir>', 'results folder', 'results')
      .option(
        '--threads <n>',
        `threads for embedded workers and for generations evaluated on the coordinator itself (default: one per core, ${availableParallelism()} here)`,
      )
      .option('--min-workers <n>', 'with --bind: wait for this many workers before starting', '1')
      .option(
        '--curve-secret <file>',
        'with --bind: CURVE secret key file (from `evoscale keys generate`); workers then need --curve-server-key',
      )
      // The name the deploy manifests and the image's health check use (test/deploy/manifests.test.ts).
      .addOption(
        new Option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics').env(
          'EVOSCALE_METRICS_PORT',
        ),
      )
      .addOption(
        new Option(
          '--metrics-host <address>',
          'address the metrics endpoint listens on (unauthenticated: open it, e.g. 0.0.0.0, only where Prometheus must reach it)',
        )
          .default(DEFAULT_METRICS_HOST)
          .env('EVOSCALE_METRICS_HOST'),
      )
      .option(
        '--audit-rate <share>',
        `with --bind: share of each worker's agents the coordinator re-evaluates to check its values (0–1; a new worker's first shards are always checked)`,
        String(DEFAULT_AUDIT_RATE),
      )
      .option('--heartbeat-ms <ms>', 'heartbeat interval with workers', '1000')
      .option('--missed-heartbeats <n>', 'heartbeats a worker may miss before its work goes elsewhere', '5')
      .option('--shard-timeout <s>', 'seconds without a result before a shard is re-dispatched', '600')
      .option(
        '--max-frame-bytes <n>',
        'largest message accepted; larger ones are counted and refused',
        String(64 * 1024 * 1024),
      )
  );
}

/** `evoscale coordinator`: runs an NE run or a sweep on workers (--bind) or embedded threads. */
export function registerCoordinatorCommand(program: Command): void {
  const cmd = program
    .command('coordinator')
    .description(
      'Run a neuroevolution run spec (--run) or a sweep (--sweep), sharded over ZeroMQ workers (--bind) or embedded threads',
    )
    .option('--run <file>', 'NE run spec (JSON/YAML): algorithm, model, task, generations, seed')
    .option('--sweep <file>', 'sweep grid (JSON/YAML), see `evoscale sweep --help`')
    .option('--placement <where>', 'auto (local engine when cheaper than sharding) | local | cluster', 'auto')
    .option('--checkpoint-every <n>', 'checkpoint every n generations (0 = only at the end)', '10')
    .option('--no-resume', 'ignore an existing checkpoint and start the run over');
  addCoordinatorOptions(cmd).action((flags: CoordinatorFlags) => coordinatorAction(flags));
}

export { coordinatorAction };
