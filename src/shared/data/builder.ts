/**
 * Accumulates rows read from a file, validating each one as it arrives so that an error names the exact
 * line/row, and returning nothing until every row has passed (all-or-nothing).
 */
import { DatasetError } from './errors.js';
import type { DatasetEnvSpec } from './envs.js';
import { datasetEnvSpec, inferEnvSpec } from './envs.js';
import type { Dataset, DatasetMeta } from './dataset.js';
import { episodeIdsFromStarts } from './dataset.js';

export interface DatasetBuilderOptions {
  /** Env the rows must fit; inferred from the first row's obs size when omitted. */
  envId?: string;
  /** Names a row for error messages, e.g. `(17) => "run.jsonl line 17"`. */
  describe: (loc: number) => string;
  /** Expected number of rows, to size the buffers once. */
  sizeHint?: number;
}

const EXPECTED_ROW = '{"obs": [numbers], "actions": integer, "rewards": number, "episode_starts": bool}';

function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(v);
  }
}

/** Row-by-row dataset assembly in the HuggingFace IL-datasets schema (obs, actions, rewards, episode_starts). */
export class DatasetBuilder {
  private spec: DatasetEnvSpec | null;
  private readonly describe: (loc: number) => string;
  private n = 0;
  private cap: number;
  private obs: Float32Array;
  private act: Int32Array;
  private rew: Float32Array;
  private starts: Uint8Array;

  constructor(opts: DatasetBuilderOptions) {
    this.spec = opts.envId === undefined ? null : datasetEnvSpec(opts.envId);
    this.describe = opts.describe;
    this.cap = Math.max(16, opts.sizeHint ?? 4096);
    this.obs = new Float32Array(this.cap * (this.spec?.obsDim ?? 8));
    this.act = new Int32Array(this.cap);
    this.rew = new Float32Array(this.cap);
    this.starts = new Uint8Array(this.cap);
  }

  /** Rows accepted so far. */
  get size(): number {
    return this.n;
  }

  /** The env the rows belong to, once known (after the first row or from the options). */
  get envSpec(): DatasetEnvSpec | null {
    return this.spec;
  }

  private fail(loc: number, what: string): never {
    throw new DatasetError(`${this.describe(loc)}: ${what}`);
  }

  private grow(d: number): void {
    const cap = this.cap * 2;
    const obs = new Float32Array(cap * d);
    obs.set(this.obs.subarray(0, this.n * d));
    const act = new Int32Array(cap);
    act.set(this.act.subarray(0, this.n));
    const rew = new Float32Array(cap);
    rew.set(this.rew.subarray(0, this.n));
    const starts = new Uint8Array(cap);
    starts.set(this.starts.subarray(0, this.n));
    this.cap = cap;
    this.obs = obs;
    this.act = act;
    this.rew = rew;
    this.starts = starts;
  }

  /**
   * Validates and appends one row; `loc` is its 1-based line or row number in the source. Accepts the shapes
   * the HuggingFace files use: integer actions (or a one-element list), bool or 0/1 episode starts, bigint ints.
   */
  addRow(obs: unknown, action: unknown, reward: unknown, episodeStart: unknown, loc: number): void {
    if (obs === undefined || obs === null) this.fail(loc, `missing field 'obs'; expected ${EXPECTED_ROW}`);
    if (!Array.isArray(obs) && !ArrayBuffer.isView(obs)) {
      this.fail(loc, `'obs' must be a list of numbers, got ${describeValue(obs)}`);
    }
    const values = obs as ArrayLike<unknown>;
    let spec = this.spec;
    if (spec === null) {
      spec = inferEnvSpec(values.length, this.describe(loc));
      this.spec = spec;
      if (this.obs.length !== this.cap * spec.obsDim) this.obs = new Float32Array(this.cap * spec.obsDim);
    }
    const d = spec.obsDim;
    if (values.length !== d) {
      const first = this.n === 0 ? '' : ' (as in the rows before it)';
      this.fail(loc, `'obs' has ${values.length} values, expected ${d} for ${spec.id}${first}`);
    }
    if (this.n === this.cap) this.grow(d);
    const base = this.n * d;
    for (let j = 0; j < d; j++) {
      const v = values[j];
      if (typeof v !== 'number') this.fail(loc, `obs[${j}] is ${describeValue(v)}, expected a number`);
      const f = Math.fround(v);
      if (!Number.isFinite(f)) {
        this.fail(
          loc,
          `obs[${j}] is ${v}${Number.isFinite(v) ? ' (beyond float32 range)' : ''}, expected a finite number`,
        );
      }
      this.obs[base + j] = f;
    }

    let a = action;
    if (Array.isArray(a) && a.length === 1) a = a[0];
    if (typeof a === 'bigint') a = Number(a);
    if (a === undefined || a === null) this.fail(loc, `missing field 'actions'; expected ${EXPECTED_ROW}`);
    if (typeof a !== 'number' || !Number.isInteger(a)) {
      this.fail(
        loc,
        `action ${describeValue(action)} is not an integer; ${spec.id} actions are 0..${spec.nActions - 1}`,
      );
    }
    if (a < 0 || a >= spec.nActions) {
      this.fail(loc, `action ${a} is outside ${spec.id}'s range 0..${spec.nActions - 1}`);
    }
    this.act[this.n] = a;

    const r = typeof reward === 'bigint' ? Number(reward) : reward;
    if (r === undefined || r === null) this.fail(loc, `missing field 'rewards'; expected ${EXPECTED_ROW}`);
    if (typeof r !== 'number' || !Number.isFinite(r) || !Number.isFinite(Math.fround(r))) {
      this.fail(loc, `reward ${describeValue(reward)} is not a finite number`);
    }
    this.rew[this.n] = r;

    let s = episodeStart;
    if (typeof s === 'bigint') s = Number(s);
    if (s === undefined || s === null) this.fail(loc, `missing field 'episode_starts'; expected ${EXPECTED_ROW}`);
    if (s === true || s === 1) this.starts[this.n] = 1;
    else if (s === false || s === 0) this.starts[this.n] = 0;
    else this.fail(loc, `episode_starts ${describeValue(episodeStart)} is not a bool (true/false or 1/0)`);

    this.n++;
  }

  /** The finished Dataset (arrays trimmed to size); throws if no row was added. */
  finish(meta: DatasetMeta): Dataset {
    const spec = this.spec;
    if (this.n === 0 || spec === null) {
      throw new DatasetError(`${meta.source}: dataset is empty (no rows); it needs at least one row ${EXPECTED_ROW}`);
    }
    const n = this.n;
    const starts = this.starts.slice(0, n);
    return {
      envId: spec.id,
      obsDim: spec.obsDim,
      nActions: spec.nActions,
      size: n,
      observations: this.obs.slice(0, n * spec.obsDim),
      actions: this.act.slice(0, n),
      rewards: this.rew.slice(0, n),
      episodeStarts: starts,
      episodeIds: episodeIdsFromStarts(starts),
      meta,
    };
  }
}
