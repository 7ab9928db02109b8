/**
 * The audit: the coordinator re-evaluates a random sample of the agents each remote worker scored and compares
 * the values, so a worker that makes its answers up (a bug, or an attacker holding the CURVE key) is caught and
 * evicted before its shard counts. Each agent of a shard is audited with probability `rate`; a worker's first
 * `probationShards` shards have at least one audited agent, so a worker that forges from its first answer is
 * always caught. The sample comes from its own random stream (RngPurpose.audit) keyed by a secret drawn per
 * coordinator process: the worker cannot predict it, and drawing it never touches a run's own streams, so the
 * audit changes nothing in a run's results.
 */
import { randomInt } from 'node:crypto';
import type { FitnessVector } from '../../shared/protocol/index.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import type { ActiveRun } from '../active_run.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';

/** Default share of agents re-evaluated: small, yet a worker forging every value is caught at its first shard. */
export const DEFAULT_AUDIT_RATE = 0.02;
/** Shards of a newly admitted worker that always have at least one agent audited. */
export const PROBATION_SHARDS = 3;

export interface AuditFinding {
  readonly row: number;
  readonly reported: number;
  readonly expected: number;
}

export class ShardAuditor {
  /** Two 32-bit words unknown to workers. */
  private readonly secret = [randomInt(0, 2 ** 32), randomInt(0, 2 ** 32)];
  audited = 0;
  disagreed = 0;

  constructor(
    readonly rate: number = DEFAULT_AUDIT_RATE,
    private readonly metrics?: RuntimeMetrics,
  ) {}

  /** Rows of [start, end) to re-evaluate (sorted). */
  sample(run: ActiveRun, generation: number, start: number, end: number, onProbation: boolean): number[] {
    if (this.rate <= 0 && !onProbation) return [];
    const rng = CounterRng.from(run.spec.seed, RngPurpose.audit, this.secret[0], this.secret[1], generation, start);
    const rows: number[] = [];
    for (let row = start; row < end; row++) if (rng.nextFloat() < this.rate) rows.push(row);
    if (rows.length === 0 && onProbation && end > start) rows.push(start + rng.nextInt(end - start));
    return rows;
  }

  /**
   * Re-evaluates `rows` on the coordinator's own state of the run and returns the first that disagrees with
   * `fitness` (values of rows [start, …)). `exact`: the worker's engine is the coordinator's (CPU), whose values
   * are bit-identical; otherwise float32 rounding differences are allowed.
   */
  async check(
    run: ActiveRun,
    start: number,
    rows: readonly number[],
    fitness: FitnessVector,
    exact: boolean,
  ): Promise<AuditFinding | undefined> {
    for (const row of rows) {
      const expected = (await run.ctx.evaluateRows(run.state, row, row + 1))[0];
      const reported = fitness[row - start];
      this.audited++;
      const agrees = exact
        ? Object.is(expected, reported)
        : Math.abs(expected - reported) <= 1e-4 * Math.max(1, Math.abs(expected));
      this.metrics?.auditedAgents.inc({ outcome: agrees ? 'agreed' : 'disagreed' });
      if (!agrees) {
        this.disagreed++;
        return { row, reported, expected };
      }
    }
    return undefined;
  }
}
