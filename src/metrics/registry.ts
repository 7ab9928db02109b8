/**
 * The Prometheus metrics of coordinators and workers (names per DESIGN.md: `evoscale_` prefix, units in the
 * name, counters ending `_total`). One registry per process, served on /metrics. Every endpoint must pass
 * `promtool check metrics` (test/metrics/promtool_live.test.ts scrapes real processes): no `quantile` label
 * outside summaries, no `_total` on non-counters, and label sets bounded by workers, runs and reasons (per-trial
 * series are removed when the trial ends; final trial results live in the results folder).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { buildInfo, type BuildInfo } from './build_info.js';

export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly generations: Counter<'run'>;
  readonly evaluations: Counter<'run' | 'worker'>;
  readonly evaluationsPerSecond: Gauge<'run' | 'worker'>;
  readonly shardLatency: Histogram<'worker'>;
  /** Population quantiles by `q` (not `quantile`: that label is reserved for summaries). */
  readonly fitness: Gauge<'run' | 'q'>;
  readonly generation: Gauge<'run'>;
  readonly generationDuration: Histogram<'run'>;
  readonly generationOverhead: Gauge<'run'>;
  readonly progress: Gauge<'run'>;
  readonly workersConnected: Gauge<'role' | 'backend'>;
  readonly shardsRedispatched: Counter<'run'>;
  readonly malformedFrames: Counter<'reason'>;
  readonly bytesSent: Counter<'peer'>;
  readonly bytesReceived: Counter<'peer'>;
  readonly sgdLoss: Gauge<'trial'>;
  readonly trials: Gauge<'state'>;
  readonly trialsFinished: Counter<'experiment'>;
  readonly workersLost: Counter<'reason'>;
  /** Final test macro-F1 of finished trials, by experiment and method (per-trial values: the results folder). */
  readonly trialTestMacroF1: Histogram<'experiment' | 'method'>;
  readonly workerInfo: Gauge<'worker' | 'role' | 'backend'>;
  /** Hellos and frames refused because of who sent them (a refused peer, a duplicate worker id). */
  readonly peersRefused: Counter<'reason'>;
  /** Workers dropped for what they sent (non-finite or impossible fitness, a failed audit, a malformed frame). */
  readonly workersEvicted: Counter<'reason'>;
  /** Agents the coordinator re-evaluated to check a worker's values, by outcome. */
  readonly auditedAgents: Counter<'outcome'>;
  /** Copies of slow shards sent to a second worker (backup tasks; the first answer wins). */
  readonly shardsSpeculative: Counter<'run'>;
  readonly buildInfo: Gauge<'version' | 'node_version' | 'commit'>;
}

/** Reasons a frame is refused (the codec's rejections, and frames with the wrong number of parts). */
export const MALFORMED_FRAME_REASONS = [
  'too_large',
  'too_complex',
  'undecodable',
  'not_a_message',
  'version',
  'invalid',
  'parts',
  'peer_refused',
];
/** First word of why a worker was dropped (see the coordinator server). */
export const WORKER_LOST_REASONS = ['missed', 'said', 'unreachable'];

/** Quantiles of each generation's fitness exported as evoscale_fitness{q}. */
export const FITNESS_QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 1] as const;

/**
 * prom-client defaults that are gauges named `_total`, which promtool refuses; the same counts remain available
 * by type as nodejs_active_handles / nodejs_active_requests / nodejs_active_resources.
 */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * A fresh registry with every runtime metric and prom-client's process metrics, unprefixed (`process_*`,
 * `nodejs_*`) as every Node.js dashboard and the Prometheus naming guide expect.
 */
export function createRuntimeMetrics(options: { defaultMetrics?: boolean; build?: BuildInfo } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const metrics: RuntimeMetrics = {
    registry,
    generations: new Counter({
      name: 'evoscale_generations_total',
      help: 'Generations completed (selection applied).',
      labelNames: ['run'],
      registers,
    }),
    evaluations: new Counter({
      name: 'evoscale_evaluations_total',
      help: 'Agent fitness evaluations completed.',
      labelNames: ['run', 'worker'],
      registers,
    }),
    evaluationsPerSecond: new Gauge({
      name: 'evoscale_evaluations_per_second',
      help: 'Agent evaluations per second over the last generation (per worker: its measured throughput).',
      labelNames: ['run', 'worker'],
      registers,
    }),
    shardLatency: new Histogram({
      name: 'evoscale_shard_latency_seconds',
      help: 'Time from dispatching a shard to receiving its fitness values.',
      labelNames: ['worker'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    fitness: new Gauge({
      name: 'evoscale_fitness',
      help: 'Quantiles q of the last generation’s fitness over the population (q 1 = the best agent).',
      labelNames: ['run', 'q'],
      registers,
    }),
    generation: new Gauge({
      name: 'evoscale_generation',
      help: 'The generation a run is evaluating.',
      labelNames: ['run'],
      registers,
    }),
    generationDuration: new Histogram({
      name: 'evoscale_generation_duration_seconds',
      help: 'Wall time of each generation (evaluation, dispatch and selection).',
      labelNames: ['run'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    generationOverhead: new Gauge({
      name: 'evoscale_generation_overhead_seconds',
      help: 'Last generation’s time outside evaluation: dispatch, wire, waiting and selection on the coordinator.',
      labelNames: ['run'],
      registers,
    }),
    progress: new Gauge({
      name: 'evoscale_run_progress_ratio',
      help: 'Share of a run’s generation budget done (0–1).',
      labelNames: ['run'],
      registers,
    }),
    workersConnected: new Gauge({
      name: 'evoscale_workers_connected',
      help: 'Workers admitted and alive.',
      labelNames: ['role', 'backend'],
      registers,
    }),
    shardsRedispatched: new Counter({
      name: 'evoscale_shards_redispatched_total',
      help: 'Shards sent again because their worker died, left, timed out or was late (backup copies included).',
      labelNames: ['run'],
      registers,
    }),
    malformedFrames: new Counter({
      name: 'evoscale_malformed_frames_total',
      help: 'Frames refused: too large, undecodable, wrong version or invalid.',
      labelNames: ['reason'],
      registers,
    }),
    bytesSent: new Counter({
      name: 'evoscale_bytes_sent_total',
      help: 'Protocol bytes sent.',
      labelNames: ['peer'],
      registers,
    }),
    bytesReceived: new Counter({
      name: 'evoscale_bytes_received_total',
      help: 'Protocol bytes received.',
      labelNames: ['peer'],
      registers,
    }),
    sgdLoss: new Gauge({
      name: 'evoscale_sgd_loss',
      help: 'Latest training loss of an SGD trial.',
      labelNames: ['trial'],
      registers,
    }),
    trials: new Gauge({
      name: 'evoscale_trials',
      help: 'Trials of the sweep by state.',
      labelNames: ['state'],
      registers,
    }),
    trialsFinished: new Counter({
      name: 'evoscale_trials_finished_total',
      help: 'Trials finished.',
      labelNames: ['experiment'],
      registers,
    }),
    workersLost: new Counter({
      name: 'evoscale_workers_lost_total',
      help: 'Workers dropped: missed heartbeats, said bye, or unreachable.',
      labelNames: ['reason'],
      registers,
    }),
    trialTestMacroF1: new Histogram({
      name: 'evoscale_trial_test_macro_f1',
      help: 'Final test macro-F1 of finished trials (sweeps and cluster experiments); per trial: the results folder.',
      labelNames: ['experiment', 'method'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1],
      registers,
    }),
    workerInfo: new Gauge({
      name: 'evoscale_worker_info',
      help: 'Always 1: which worker id, role and backend this process serves (join on instance).',
      labelNames: ['worker', 'role', 'backend'],
      registers,
    }),
    peersRefused: new Counter({
      name: 'evoscale_peers_refused_total',
      help: 'Hellos and frames refused because of the sender: a peer refused for a while, a duplicate worker id.',
      labelNames: ['reason'],
      registers,
    }),
    workersEvicted: new Counter({
      name: 'evoscale_workers_evicted_total',
      help: 'Workers dropped for what they sent: non-finite or out-of-bounds fitness, a failed audit, a bad frame.',
      labelNames: ['reason'],
      registers,
    }),
    auditedAgents: new Counter({
      name: 'evoscale_audited_agents_total',
      help: 'Agents re-evaluated by the coordinator to check a worker, by outcome (agreed, disagreed).',
      labelNames: ['outcome'],
      registers,
    }),
    shardsSpeculative: new Counter({
      name: 'evoscale_shards_speculative_total',
      help: 'Copies of slow shards sent to another worker; the first answer wins.',
      labelNames: ['run'],
      registers,
    }),
    buildInfo: new Gauge({
      name: 'evoscale_build_info',
      help: 'Always 1: the evoscale version, Node.js version and git commit (unknown when not built from git).',
      labelNames: ['version', 'node_version', 'commit'],
      registers,
    }),
  };
  const build = options.build ?? buildInfo();
  metrics.buildInfo.set({ version: build.version, node_version: build.nodeVersion, commit: build.commit }, 1);
  // Counters with labels appear only once incremented; zero series from the start let alerts and dashboards tell
  // "none happened" from "not scraped".
  for (const reason of MALFORMED_FRAME_REASONS) metrics.malformedFrames.inc({ reason }, 0);
  for (const reason of WORKER_LOST_REASONS) metrics.workersLost.inc({ reason }, 0);
  return metrics;
}

/** Sorted-sample quantile (linear interpolation, as NumPy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
