import { availableParallelism, hostname } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import { readPublicKeyFile } from '../../coordinator/keys.js';
import { checkEndpoint, onShutdown, startMetrics, stderrLog } from '../../coordinator/launch.js';
import { createEngine, type BackendName } from '../../worker/engine/index.js';
import { WorkerClient } from '../../cluster/worker/client.js';
import { createTrialRunner } from '../../cluster/worker/trial_runner.js';
import { parseIntOption } from '../options.js';

interface WorkerFlags {
  connect: string;
  backend: string;
  threads?: string;
  role: string;
  id?: string;
  curveServerKey?: string;
  metricsPort?: string;
  heartbeatMs: string;
  exitOnBye?: boolean;
}

const BACKENDS: readonly BackendName[] = ['auto', 'cpu', 'tfjs', 'tfjs-node', 'tfjs-node-gpu'];

/** The backend the worker really evaluates with: `auto` resolves to tfjs-node-gpu where installed, else cpu. */
async function resolveBackend(raw: string): Promise<{ name: BackendName; label: string }> {
  if (!BACKENDS.includes(raw as BackendName)) {
    throw new InvalidArgumentError(`--backend must be one of ${BACKENDS.join(', ')} (got '${raw}')`);
  }
  if (raw === 'cpu') return { name: 'cpu', label: 'cpu' };
  const engine = await createEngine(raw as BackendName);
  const label = engine.backend;
  await engine.close();
  return { name: label === 'cpu' ? 'cpu' : (raw as BackendName), label };
}

async function workerAction(flags: WorkerFlags): Promise<void> {
  const connect = checkEndpoint('--connect', flags.connect);
  if (flags.role !== 'evaluator' && flags.role !== 'sgd') {
    throw new InvalidArgumentError(`--role must be evaluator or sgd (got '${flags.role}')`);
  }
  const threads =
    flags.threads !== undefined ? parseIntOption('--threads', flags.threads, 1, 4096) : availableParallelism();
  const backend = await resolveBackend(flags.backend);
  const metricsPort =
    flags.metricsPort !== undefined ? parseIntOption('--metrics-port', flags.metricsPort, 0, 65535) : undefined;
  const { metrics, server } = await startMetrics(metricsPort, stderrLog);
  const client = new WorkerClient({
    connect,
    role: flags.role,
    backend: backend.label,
    engineBackend: backend.name,
    threads,
    heartbeatMs: parseIntOption('--heartbeat-ms', flags.heartbeatMs, 10, 600_000),
    ...(flags.id !== undefined ? { workerId: flags.id } : {}),
    ...(flags.curveServerKey !== undefined ? { curveServerKey: readPublicKeyFile(flags.curveServerKey) } : {}),
    metrics,
    log: stderrLog,
    trialRunner: createTrialRunner(threads),
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
    .option('--backend <name>', `evaluation backend: ${BACKENDS.join(' | ')}`, 'auto')
    .option(
      '--threads <n>',
      `threads evaluating shards / trials at once (default: one per core, ${availableParallelism()} here)`,
    )
    .option('--role <role>', 'evaluator (population shards) | sgd (whole SGD trials)', 'evaluator')
    .option('--id <id>', `worker id shown in logs and metrics (default: ${hostname()}-<pid>-<random>)`)
    .option(
      '--curve-server-key <file>',
      "the coordinator's CURVE public key (required when it runs with --curve-secret)",
    )
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://0.0.0.0:<port>/metrics')
    .option('--heartbeat-ms <ms>', 'heartbeat interval until the coordinator sets its own', '1000')
    .option('--exit-on-bye', 'exit when the coordinator finishes (default: wait for the next one)')
    .action((flags: WorkerFlags) => workerAction(flags));
}
