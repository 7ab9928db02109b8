/**
 * Starting the runtime's long-lived pieces from command-line settings: logging, the metrics endpoint,
 * graceful shutdown on signals. Shared by `evoscale coordinator`, `worker` and `sweep`.
 */
import { InvalidArgumentError } from '../shared/errors.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../metrics/registry.js';
import { serveMetrics, type MetricsServer } from '../metrics/server.js';
import { logger, type LineLevel } from '../platform/log.js';

/** A log line of the running command (src/platform/log.ts: JSON or readable, on stderr; stdout is for results). */
export function stderrLog(line: string, level: LineLevel = 'info'): void {
  logger()[level](line);
}

/**
 * Where the metrics endpoint listens unless told otherwise: loopback. The endpoint is unauthenticated, so a
 * cluster opens it on purpose (`--metrics-host 0.0.0.0`, as the deploy manifests do) for Prometheus to scrape.
 */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Metrics registry, served on `host:port` when a port is given (0 = a free port, printed). */
export async function startMetrics(
  port: number | undefined,
  log: (line: string) => void,
  host: string = DEFAULT_METRICS_HOST,
): Promise<{ metrics: RuntimeMetrics; server?: MetricsServer }> {
  const metrics = createRuntimeMetrics();
  if (port === undefined) return { metrics };
  let server: MetricsServer;
  try {
    server = await serveMetrics(metrics.registry, port, host);
  } catch (e) {
    throw new InvalidArgumentError(
      `cannot serve metrics on ${host}:${port}: ${(e as Error).message}; pick another --metrics-port or --metrics-host`,
    );
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  log(`metrics on http://${shown}:${server.port}/metrics`);
  return { metrics, server };
}

/**
 * Exit status of a command stopped by a signal: 128 + the signal's number, as shells and supervisors report a
 * process the signal ended (130 for SIGINT, 143 for SIGTERM), so a script can tell a stopped run from a finished one.
 */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}

/** Seconds a stop may take before the process exits anyway (a socket or thread that does not close). */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface Shutdown {
  /** Aborted on the first SIGINT/SIGTERM: long loops check it, stop taking work and write their checkpoint. */
  readonly signal: AbortSignal;
  /** The signal received, once one has been. */
  received(): NodeJS.Signals | undefined;
}

/**
 * On the first SIGINT/SIGTERM: aborts the returned `signal`, runs `stop` (which waits for the command to wind
 * down: checkpoint written, sockets and pools closed) and exits with `signalExitCode`. A second signal, or a stop
 * that takes longer than SHUTDOWN_GRACE_MS, exits at once with the same status. Errors of a stop are reported
 * in one line, never as a library's stack.
 */
export function onShutdown(stop: (signal: NodeJS.Signals) => Promise<void>): Shutdown {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(signalExitCode(received));
    received = signal;
    const code = signalExitCode(signal);
    const grace = setTimeout(() => {
      logger().error(`did not stop within ${SHUTDOWN_GRACE_MS / 1000} s of ${signal}; exiting`);
      process.exit(code);
    }, SHUTDOWN_GRACE_MS);
    grace.unref();
    controller.abort();
    stop(signal).then(
      () => process.exit(code),
      (err: unknown) => {
        logger().error(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(code);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: controller.signal, received: () => received };
}

/**
 * This process's command line as a user would type it again, less the `drop` flags and with `add` appended
 * when missing: the command that resumes a stopped run.
 */
export function resumeCommand(add: readonly string[] = [], drop: readonly string[] = []): string {
  const args = process.argv.slice(2).filter((a) => !drop.includes(a));
  for (const a of add) if (!args.includes(a)) args.push(a);
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['npx', 'evoscale', ...args.map(quote)].join(' ');
}

/** Checks a ZeroMQ endpoint given on the command line. */
export function checkEndpoint(flag: string, endpoint: string): string {
  if (!/^(tcp|ipc|inproc):\/\/.+/.test(endpoint)) {
    throw new InvalidArgumentError(`${flag} must be a ZeroMQ endpoint such as tcp://0.0.0.0:5555 (got '${endpoint}')`);
  }
  return endpoint;
}
