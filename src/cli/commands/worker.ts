import { availableParallelism, hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import { readPublicKeyFile } from '../../coordinator/keys.js';
import { checkEndpoint, DEFAULT_METRICS_HOST, onShutdown, startMetrics, stderrLog } from '../../coordinator/launch.js';
import { BACKEND_NAMES, loadBackend, parseBackend } from '../../worker/engine/backends.js';
import { WorkerClient } from '../../cluster/worker/client.js';
import { claimWorkerSlot } from '../../cluster/worker/worker_slot.js';
import { createTrialRunner, type TrialRunner } from '../../cluster/worker/trial_runner.js';
import { parseIntOption } from '../options.js';
import { bindLogFields } from '../../platform/log.js';

interface WorkerFlags {
  connect: string;
  backend: string;
  threads?: string;
  role: string;
  id?: string;
  curveServerKey?: string;
  metricsPort?: string;
  metricsHost?: string;
  heartbeatMs: string;
  exitOnBye?: boolean;
}

/**
 * `runner`, telling `onBackend` the backend each finished trial really ran on: a trial whose spec names
 * another backend than the worker's --backend shows up in evoscale_worker_info as that backend too.
 */
function reportingBackends(runner: TrialRunner, onBackend: (label: string) => void): TrialRunner {
  return {
    async run(msg, onProgress, stop) {
      const out = await runner.run(msg, onProgress, stop);
      if ('summary' in out && typeof out.summary.backend === 'string') onBackend(out.summary.backend);
      return out;
    },
    close: () => runner.close(),
  };
}

async function workerAction(flags: WorkerFlags): Promise<void> {
  const connect = checkEndpoint('--connect', flags.connect);
  if (flags.role !== 'evaluator' && flags.role !== 'sgd') {
    throw new InvalidArgumentError(`--role must be evaluator or sgd (got '${flags.role}')`);
  }
  const threads =
    flags.threads !== undefined ? parseIntOption('--threads', flags.threads, 1, 4096) : availableParallelism();
  // What really runs here: 'auto' resolved to the best installed; a named flavour that is missing is refused.
  const backend = await loadBackend(parseBackend(flags.backend, '--backend'));
  const metricsPort =
    flags.metricsPort !== undefined ? parseIntOption('--metrics-port', flags.metricsPort, 0, 65535) : undefined;
  // Not hostname-pid-random: a restarted worker keeps its id, so its metrics series do not multiply.
  const workerId = flags.id ?? claimWorkerSlot().id;
  bindLogFields({ workerId });
  const { metrics, server } = await startMetrics(metricsPort, stderrLog, flags.metricsHost);
  const client = new WorkerClient({
    connect,
    role: flags.role,
    backend: backend.label,
    engineBackend: backend.name,
    threads,
    heartbeatMs: parseIntOption('--heartbeat-ms', flags.heartbeatMs, 10, 600_000),
    workerId,
    ...(flags.curveServerKey !== undefined ? { curveServerKey: readPublicKeyFile(flags.curveServerKey) } : {}),
    metrics,
    log: stderrLog,
    trialRunner: reportingBackends(createTrialRunner(threads, backend.name), (ran) =>
      metrics.workerInfo.set({ worker: client.workerId, role: flags.role, backend: ran }, 1),
    ),
    exitOnBye: flags.exitOnBye === true,
  });
  onShutdown(async () => {
    await client.stop('worker stopped by signal');
  });
  client.start();
  metrics.workerInfo.set({ worker: client.workerId, role: flags.role, backend: backend.label }, 1);
  stderrLog(
    `worker ${client.workerId}: ${flags.role} on ${backend.label}, ${threads} thread${threads === 1 ? '' : 's'}, connecting to ${connect}`,
  );
  await client.done;
  await server?.close();
}

/** `evoscale worker`: evaluates shards (or trains trials with --role sgd) for a coordinator. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Serve a coordinator: evaluate population shards (or train SGD trials with --role sgd)')
    .requiredOption('--connect <endpoint>', 'the coordinator, e.g. tcp://coordinator-host:5555')
    .option(
      '--backend <name>',
      `where shards and trials run: ${BACKEND_NAMES.join(' | ')} (auto = tfjs-node-gpu > tfjs-node > cpu, ` +
        "whichever is installed; trials whose spec names a backend run on that one, those saying 'auto' on this)",
      'auto',
    )
    .option(
      '--threads <n>',
      `threads evaluating shards / trials at once (default: one per core, ${availableParallelism()} here)`,
    )
    .option('--role <role>', 'evaluator (population shards) | sgd (whole SGD trials)', 'evaluator')
    .option(
      '--id <id>',
      `worker id shown in logs and metrics (default: ${hostname()}-<slot>, the lowest slot no running worker here holds)`,
    )
    .option(
      '--curve-server-key <file>',
      "the coordinator's CURVE public key (required when it runs with --curve-secret)",
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
    .option('--heartbeat-ms <ms>', 'heartbeat interval until the coordinator sets its own', '1000')
    .option('--exit-on-bye', 'exit when the coordinator finishes (default: wait for the next one)')
    .action((flags: WorkerFlags) => workerAction(flags));
}
