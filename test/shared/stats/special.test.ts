import { test } from 'node:test';
import { gammaP, gammaQ, incompleteBeta, lnBeta, lnGamma, normalCdf } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle } from './scipy.js';

const GAMMA_XS = [1e-8, 0.001, 0.1, 0.5, 0.9, 1, 1.5, 2, 2.5, 3.7, 10, 33.3, 100.5, 1234.5, 5e4, 1e6, 1e9];

test('lnGamma matches scipy.special.gammaln from 1e-8 to 1e9', (t) => {
  const o = scipyOracle<number[]>('print(json.dumps([float(special.gammaln(x)) for x in data]))', GAMMA_XS);
  if (o.skip) return t.skip(o.skip);
  GAMMA_XS.forEach((x, i) => assertClose(lnGamma(x), o.value![i], 1e-14, 1e-15, `lnGamma(${x})`));
});

test('lnBeta keeps full precision when one argument is huge (t distribution with large df)', (t) => {
  // 40-digit mpmath is the reference here: SciPy's own betaln is off by ~3e-11 at (5e4, 0.5).
  const cases = [
    [0.5, 0.5],
    [2, 3],
    [50, 0.5],
    [5e4, 0.5],
    [5e6, 0.5],
    [300, 700],
    [1e5, 2e5],
  ];
  const o = scipyOracle<number[]>(
    'import mpmath as mp\nmp.mp.dps = 40\nprint(json.dumps([float(mp.log(mp.beta(a, b))) for a, b in data]))',
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([a, b], i) => assertClose(lnBeta(a, b), o.value![i], 1e-14, 1e-15, `lnBeta(${a}, ${b})`));
});

test('incompleteBeta matches scipy.special.betainc across shapes and both tails', (t) => {
  const cases: [number, number, number][] = [];
  for (const a of [0.5, 1, 2.5, 10, 150, 5e4]) {
    for (const b of [0.5, 1, 3, 40]) {
      for (const x of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 0.999999]) cases.push([x, a, b]);
    }
  }
  const o = scipyOracle<number[]>('print(json.dumps([float(special.betainc(a, b, x)) for x, a, b in data]))', cases);
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([x, a, b], i) =>
    assertClose(incompleteBeta(x, a, b), o.value![i], 1e-11, 1e-300, `I_${x}(${a}, ${b})`),
  );
});

test('gammaP and gammaQ match scipy.special.gammainc/gammaincc', (t) => {
  const cases: [number, number][] = [];
  for (const a of [0.5, 1, 3, 12.5, 100]) for (const x of [1e-5, 0.2, 1, 2.9, 12, 40, 150]) cases.push([a, x]);
  const o = scipyOracle<[number, number][]>(
    'print(json.dumps([[float(special.gammainc(a, x)), float(special.gammaincc(a, x))] for a, x in data]))',
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([a, x], i) => {
    assertClose(gammaP(a, x), o.value![i][0], 1e-12, 1e-300, `P(${a}, ${x})`);
    assertClose(gammaQ(a, x), o.value![i][1], 1e-12, 1e-300, `Q(${a}, ${x})`);
  });
});

test('normalCdf matches scipy.special.ndtr, including far tails', (t) => {
  const zs = [-37, -20, -8.5, -3, -1.96, -1, -0.3, 0, 1e-9, 0.3, 1, 1.96, 3, 8.5];
  const o = scipyOracle<number[]>('print(json.dumps([float(special.ndtr(z)) for z in data]))', zs);
  if (o.skip) return t.skip(o.skip);
  zs.forEach((z, i) => assertClose(normalCdf(z), o.value![i], 1e-13, 1e-300, `normalCdf(${z})`));
});
