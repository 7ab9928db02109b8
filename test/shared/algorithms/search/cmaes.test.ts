/**
 * CMA-ES: Hansen's default settings, determinism, bit-identical resume through the checkpoint encoding,
 * convergence on the standard test functions within published evaluation counts, and pycma's `purecma`
 * update equations (a NumPy restatement in test/fixtures/cmaes/) as the outside oracle.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import {
  cmaes,
  cmaesParameters,
  resumeSearch,
  startSearch,
  type CmaesSnapshot,
  type CmaesState,
} from '../../../../src/shared/algorithms/index.js';
import { repoRoot } from '../../../helpers/paths.js';
import { evaluate, minimise, rastrigin, rosenbrock, sphere } from './functions.js';

const codec = new Packr({ moreTypes: true });

function start(n: number, value: number): Float32Array {
  return new Float32Array(n).fill(value);
}

describe('cmaes settings', () => {
  it("uses Hansen's default population λ = 4 + ⌊3 ln n⌋ and μ = ⌊λ/2⌋ log weights summing to 1", () => {
    for (const [n, lambda] of [
      [2, 6],
      [10, 10],
      [100, 17],
      [654, 23],
    ]) {
      const state = cmaes.init(start(n, 0), undefined, 0);
      assert.equal(state.lambda, lambda, `n=${n}`);
      const p = cmaesParameters(n, lambda, 'full');
      assert.equal(p.mu, Math.floor(lambda / 2));
      assert.ok(Math.abs(p.weights.reduce((a, b) => a + b, 0) - 1) < 1e-15);
      for (let i = 1; i < p.mu; i++) assert.ok(p.weights[i] < p.weights[i - 1]);
    }
  });

  it('adapts the full covariance up to 200 parameters and only its diagonal above, unless told', () => {
    assert.equal(cmaes.init(start(200, 0), undefined, 0).config.covariance, 'full');
    assert.equal(cmaes.init(start(201, 0), undefined, 0).config.covariance, 'diagonal');
    assert.equal(cmaes.init(start(201, 0), { covariance: 'full' }, 0).config.covariance, 'full');
    assert.equal(cmaes.init(start(5, 0), { covariance: 'diagonal' }, 0).C.length, 5);
  });

  it('gives sep-CMA-ES the (n+2)/3 times larger covariance learning rates of Ros & Hansen (2008)', () => {
    const full = cmaesParameters(30, 14, 'full');
    const sep = cmaesParameters(30, 14, 'diagonal');
    assert.ok(Math.abs(sep.c1 / full.c1 - 32 / 3) < 1e-12);
    assert.ok(Math.abs(sep.cmu / full.cmu - 32 / 3) < 1e-12);
    assert.equal(sep.cs, full.cs);
  });

  it('refuses a bad option with the field named', () => {
    assert.throws(() => cmaes.init(start(3, 0), { sigma: -1 }, 0), /cmaes: sigma must be a finite number > 0/);
    assert.throws(() => cmaes.init(start(3, 0), { populationSize: 1 }, 0), /cmaes: populationSize/);
    assert.throws(() => cmaes.init(start(3, 0), { restarts: 1.5 }, 0), /cmaes: restarts/);
  });
});

describe('cmaes determinism and resume', () => {
  it('draws the same candidates and reaches the same distribution for the same seed', () => {
    const run = (seed: number): CmaesState => {
      let s = cmaes.init(start(6, 1), { sigma: 0.3, direction: 'minimize' }, seed);
      for (let g = 0; g < 15; g++) {
        const pop = cmaes.ask(s);
        const fit = Array.from({ length: s.lambda }, (_, k) => rosenbrock(pop.subarray(k * 6, (k + 1) * 6)));
        s = cmaes.tell(s, fit);
      }
      return s;
    };
    const a = run(7);
    const b = run(7);
    assert.deepEqual(a.mean, b.mean);
    assert.deepEqual(a.C, b.C);
    assert.equal(a.sigma, b.sigma);
    assert.deepEqual(cmaes.ask(a), cmaes.ask(b));
    assert.notDeepEqual(run(8).mean, a.mean);
  });

  for (const covariance of ['full', 'diagonal'] as const) {
    it(`resumes bit for bit from a msgpack checkpoint taken mid-run (${covariance})`, () => {
      const n = 8;
      const options = { sigma: 0.5, covariance, restarts: 2, direction: 'minimize' as const };
      const straight = startSearch('cmaes', start(n, 2), options, 3);
      for (let g = 0; g < 40; g++) straight.tell(evaluate(straight, rosenbrock, n));

      const first = startSearch('cmaes', start(n, 2), options, 3);
      for (let g = 0; g < 17; g++) first.tell(evaluate(first, rosenbrock, n));
      const bytes = codec.pack(first.snapshot());
      const resumed = resumeSearch(codec.unpack(bytes) as CmaesSnapshot);
      for (let g = 17; g < 40; g++) resumed.tell(evaluate(resumed, rosenbrock, n));

      const a = straight.snapshot() as CmaesSnapshot;
      const b = resumed.snapshot() as CmaesSnapshot;
      assert.deepEqual(b.mean, a.mean);
      assert.deepEqual(b.C, a.C);
      assert.deepEqual(b.ps, a.ps);
      assert.deepEqual(b.pc, a.pc);
      assert.equal(b.sigma, a.sigma);
      assert.equal(b.generation, 40);
    });
  }

  it('refuses a damaged snapshot, naming the field', () => {
    const s = cmaes.snapshot(cmaes.init(start(4, 0), undefined, 0));
    assert.throws(() => cmaes.restore({ ...s, C: new Float64Array(3) }), /cmaes state: C must be 16 numbers/);
  });
});

describe('cmaes convergence on the standard test functions', () => {
  // Reference counts (Hansen & Ostermeier 2001, Evolutionary Computation 9(2), and Hansen's BBOB-2009 CMA-ES
  // data; read off their figures, so good to about a factor 1.5): default CMA-ES needs about 1.5e3
  // f-evaluations on the 10-D sphere and about 6e3 on the 10-D Rosenbrock function to reach f < 1e-10.
  // The budgets below allow twice that.
  it('solves the 10-D sphere from x = 1, σ = 0.5, to f < 1e-10 within 3,000 evaluations', () => {
    const r = minimise(
      startSearch('cmaes', start(10, 1), { sigma: 0.5, direction: 'minimize' }, 1),
      sphere,
      10,
      1e-10,
      3000,
    );
    assert.ok(r.best < 1e-10, `best ${r.best} after ${r.evaluations} evaluations`);
  });

  it('solves the 10-D Rosenbrock function from x = 0, σ = 0.5, to f < 1e-10 within 12,000 evaluations', () => {
    for (const seed of [1, 2, 3]) {
      const r = minimise(
        startSearch('cmaes', start(10, 0), { sigma: 0.5, direction: 'minimize' }, seed),
        rosenbrock,
        10,
        1e-10,
        12_000,
      );
      assert.ok(r.best < 1e-10, `seed ${seed}: best ${r.best} after ${r.evaluations} evaluations`);
    }
  });

  it('solves the 10-D sphere with the diagonal covariance (sep-CMA-ES) within 3,000 evaluations', () => {
    const r = minimise(
      startSearch('cmaes', start(10, 1), { sigma: 0.5, covariance: 'diagonal', direction: 'minimize' }, 1),
      sphere,
      10,
      1e-10,
      3000,
    );
    assert.ok(r.best < 1e-10, `best ${r.best} after ${r.evaluations} evaluations`);
  });

  // IPOP-CMA-ES (Auger & Hansen 2005, CEC 2005) solves 10-D Rastrigin to 1e-8 within the CEC budget of 1e4·n =
  // 1e5 evaluations by doubling λ at each restart; the default λ alone ends in a local minimum.
  it('solves 10-D Rastrigin with IPOP restarts to f < 1e-8 within 100,000 evaluations', () => {
    for (const seed of [1, 2]) {
      const driver = startSearch('cmaes', start(10, 3), { sigma: 2, restarts: 9, direction: 'minimize' }, seed);
      const r = minimise(driver, rastrigin, 10, 1e-8, 100_000);
      assert.ok(r.best < 1e-8, `seed ${seed}: best ${r.best} after ${r.evaluations} evaluations`);
      assert.ok((driver.snapshot() as CmaesSnapshot).restart > 0, 'it needed at least one restart');
    }
  });

  it('doubles λ at each IPOP restart and returns to x₀ and σ₀', () => {
    const driver = startSearch('cmaes', start(4, 3), { sigma: 1, restarts: 3, direction: 'minimize' }, 5);
    const lambda0 = driver.populationSize();
    let restarts = 0;
    for (let g = 0; g < 2000 && restarts === 0; g++) {
      driver.tell(evaluate(driver, rastrigin, 4));
      restarts = (driver.snapshot() as CmaesSnapshot).restart;
    }
    const s = driver.snapshot() as CmaesSnapshot;
    assert.equal(s.restart, 1);
    assert.equal(s.lambda, 2 * lambda0);
    assert.deepEqual(Array.from(s.mean), [3, 3, 3, 3]);
    assert.equal(s.sigma, 1);
  });
});

interface OracleGeneration {
  mean: number[];
  sigma: number;
  C: number[];
  ps: number[];
  pc: number[];
}

function purecmaOracle(input: unknown): { value?: OracleGeneration[]; skip?: string } {
  const script = join(repoRoot, 'test', 'fixtures', 'cmaes', 'purecma_tell.py');
  const res = spawnSync('python3', [script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 });
  if (res.error) return { skip: `python3 not available (${res.error.message})` };
  if (res.status !== 0) {
    if (/No module named '?numpy/.test(res.stderr)) return { skip: 'numpy is not installed for python3' };
    throw new Error('purecma oracle failed:\n' + res.stderr);
  }
  return { value: JSON.parse(res.stdout) as OracleGeneration[] };
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= 1e-9 * scale,
      `${what}[${i}]: ${actual[i]} vs purecma ${expected[i]}`,
    );
  }
}

describe('cmaes against pycma purecma', () => {
  it("updates m, σ, C, p_σ and p_c as purecma's tell does, over 30 generations on the same candidates", (t) => {
    const n = 5;
    const x0 = start(n, 0.5);
    let s = cmaes.init(x0, { sigma: 0.3, direction: 'minimize' }, 11);
    const generations: { arx: number[][]; fitvals: number[] }[] = [];
    const ours: CmaesState[] = [];
    for (let g = 0; g < 30; g++) {
      const pop = cmaes.ask(s);
      const arx = Array.from({ length: s.lambda }, (_, k) => Array.from(pop.subarray(k * n, (k + 1) * n)));
      const fitvals = arx.map((x) => rosenbrock(Float32Array.from(x)));
      generations.push({ arx, fitvals });
      s = cmaes.tell(s, fitvals);
      ours.push(s);
    }
    assert.equal(s.restart, 0);
    const oracle = purecmaOracle({ N: n, lam: s.lambda, xmean: Array.from(x0), sigma: 0.3, generations });
    if (oracle.skip !== undefined) {
      t.skip(oracle.skip);
      return;
    }
    const expected = oracle.value ?? [];
    for (let g = 0; g < expected.length; g++) {
      assertClose(ours[g].mean, expected[g].mean, `generation ${g} mean`);
      assertClose([ours[g].sigma], [expected[g].sigma], `generation ${g} sigma`);
      assertClose(ours[g].C, expected[g].C, `generation ${g} C`);
      assertClose(ours[g].ps, expected[g].ps, `generation ${g} ps`);
      assertClose(ours[g].pc, expected[g].pc, `generation ${g} pc`);
    }
  });
});
