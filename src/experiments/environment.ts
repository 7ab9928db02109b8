/** What a report records about where a run happened, so readers can reproduce it. */
import { availableParallelism, cpus, platform, release } from 'node:os';
import { evoscaleVersion } from '../platform/package_info.js';

export interface RunEnvironment {
  evoscale: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  backend: string;
  workers: number;
  startedAt: string;
  /** Set when the trials ran on a cluster: the coordinator's endpoint. */
  cluster?: string;
}

/** Where the trials ran, for a report's environment section. */
export function describeWhere(env: RunEnvironment): string {
  return env.cluster !== undefined
    ? `trials on cluster workers (coordinator bound to ${env.cluster}; up to ${env.workers} trials at once)`
    : `worker threads: ${env.workers}`;
}

/**
 * The backends that really trained `summaries` ('cpu', 'tfjs:cpu', …; comma-separated when trials differed,
 * e.g. on a cluster of mixed workers). Summaries written before backends were recorded ran on the CPU kernels.
 */
export function backendsThatRan(summaries: readonly { readonly backend?: string }[]): string {
  const seen = [...new Set(summaries.map((s) => s.backend ?? 'cpu'))];
  return seen.length > 0 ? seen.join(', ') : 'cpu';
}

export function runEnvironment(workers: number, backend = 'cpu', cluster?: string): RunEnvironment {
  const version = evoscaleVersion();
  return {
    evoscale: version,
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    backend,
    workers,
    startedAt: new Date().toISOString(),
    ...(cluster !== undefined ? { cluster } : {}),
  };
}
