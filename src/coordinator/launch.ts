/**
 * Starting the runtime's long-lived pieces from command-line settings: logging, the metrics endpoint,
 * graceful shutdown on signals. Shared by `evoscale coordinator`, `worker` and `sweep`.
 */
import { InvalidArgumentError } from '../shared/errors.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../metrics/registry.js';
import { serveMetrics, type MetricsServer } from '../metrics/server.js';

/** A timestamped line on stderr (stdout is kept for results). */
export function stderrLog(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** Metrics registry, served on `port` when given (0 = a free port, printed). */
export async function startMetrics(
  port: number | undefined,
  log: (line: string) => void,
): Promise<{ metrics: RuntimeMetrics; server?: MetricsServer }> {
  const metrics = createRuntimeMetrics();
  if (port === undefined) return { metrics };
  const server = await serveMetrics(metrics.registry, port);
  log(`metrics on http://0.0.0.0:${server.port}/metrics`);
  return { metrics, server };
}

/** Runs `stop` on the first SIGINT/SIGTERM; a second one exits at once. */
export function onShutdown(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** Checks a ZeroMQ endpoint given on the command line. */
export function checkEndpoint(flag: string, endpoint: string): string {
  if (!/^(tcp|ipc|inproc):\/\/.+/.test(endpoint)) {
    throw new InvalidArgumentError(`${flag} must be a ZeroMQ endpoint such as tcp://0.0.0.0:5555 (got '${endpoint}')`);
  }
  return endpoint;
}
