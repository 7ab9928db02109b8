/**
 * The compute-optimal frontier by the IsoFLOP method (Hoffmann et al. 2022, used by Tuyls et al. 2023 for
 * imitation learning): for each FLOPs budget, fit a parabola to error against log10(parameters) and take its
 * minimum; then fit log10(N*) against log10(C) for how the optimal size grows with compute.
 */
import { InvalidArgumentError } from '../errors.js';

/** One trained model: the compute it spent, its size and its error. */
export interface IsoFlopPoint {
  flops: number;
  params: number;
  err: number;
}

/** The best size at one FLOPs budget. */
export interface IsoFlopBudget {
  flops: number;
  /** The optimal parameter count and the error there. */
  params: number;
  err: number;
  /**
   * 'parabola' when the fitted parabola opens upward with its minimum inside the sizes tried; else
   * 'best-observed' (the budget's best point: the optimum may lie outside the sizes tried).
   */
  method: 'parabola' | 'best-observed';
  /** Parabola err = c0 + c1·u + c2·u² in u = log10(params), when one was fitted (≥ 3 distinct sizes). */
  parabola: [number, number, number] | null;
  points: number;
}

/** Options of `isoFlopFrontier`. */
export interface IsoFlopOptions {
  /** Budgets within this relative difference are one budget (default 1e-6: FLOPs counts from one formula). */
  relativeTolerance?: number;
}

/** The frontier and, with two budgets or more, N* ≈ k·C^exponent fitted on log–log axes. */
export interface IsoFlopFrontier {
  budgets: IsoFlopBudget[];
  optimalParams: { exponent: number; coefficient: number } | null;
}

/** Least-squares quadratic through (u, y); null when the normal equations are singular. */
function fitParabola(u: readonly number[], y: readonly number[]): [number, number, number] | null {
  const s = new Float64Array(5);
  const t = new Float64Array(3);
  const um = u.reduce((a, v) => a + v, 0) / u.length;
  for (let i = 0; i < u.length; i++) {
    const d = u[i] - um;
    for (let k = 0; k < 5; k++) s[k] += d ** k;
    for (let k = 0; k < 3; k++) t[k] += y[i] * d ** k;
  }
  const a = [
    [s[0], s[1], s[2], t[0]],
    [s[1], s[2], s[3], t[1]],
    [s[2], s[3], s[4], t[2]],
  ];
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12 * Math.max(1, Math.abs(s[4]))) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 4; k++) a[r][k] -= f * a[c][k];
    }
  }
  const [b0, b1, b2] = a.map((row, i) => row[3] / row[i]);
  // Back from the centred variable d = u − um.
  return [b0 - b1 * um + b2 * um * um, b1 - 2 * b2 * um, b2];
}

/** Groups points into FLOPs budgets and finds each budget's optimal size. */
export function isoFlopFrontier(points: readonly IsoFlopPoint[], opts: IsoFlopOptions = {}): IsoFlopFrontier {
  const rtol = opts.relativeTolerance ?? 1e-6;
  points.forEach((p, i) => {
    for (const k of ['flops', 'params', 'err'] as const) {
      if (!(Number.isFinite(p[k]) && p[k] > 0)) {
        throw new InvalidArgumentError(
          `isoFlopFrontier: point ${i} has ${k} = ${p[k]}; flops, params and err must be finite and positive`,
        );
      }
    }
  });
  const sorted = [...points].sort((p, q) => p.flops - q.flops);
  const groups: IsoFlopPoint[][] = [];
  for (const p of sorted) {
    const last = groups.at(-1);
    if (last !== undefined && p.flops - last[0].flops <= rtol * last[0].flops) last.push(p);
    else groups.push([p]);
  }
  const budgets = groups.map((g): IsoFlopBudget => {
    const flops = g.reduce((s, p) => s + p.flops, 0) / g.length;
    const best = g.reduce((b, p) => (p.err < b.err ? p : b));
    const u = g.map((p) => Math.log10(p.params));
    const distinct = new Set(u).size;
    const parabola =
      distinct >= 3
        ? fitParabola(
            u,
            g.map((p) => p.err),
          )
        : null;
    if (parabola !== null && parabola[2] > 0) {
      const uStar = -parabola[1] / (2 * parabola[2]);
      if (uStar >= Math.min(...u) && uStar <= Math.max(...u)) {
        const err = parabola[0] + parabola[1] * uStar + parabola[2] * uStar * uStar;
        // A parabola dipping below zero error is extrapolating, not measuring: keep the observed point then.
        if (err > 0) return { flops, params: 10 ** uStar, err, method: 'parabola', parabola, points: g.length };
      }
    }
    return { flops, params: best.params, err: best.err, method: 'best-observed', parabola, points: g.length };
  });
  let optimalParams: IsoFlopFrontier['optimalParams'] = null;
  if (budgets.length >= 2) {
    const lx = budgets.map((b) => Math.log10(b.flops));
    const ly = budgets.map((b) => Math.log10(b.params));
    const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
    const my = ly.reduce((s, v) => s + v, 0) / ly.length;
    let sxy = 0;
    let sxx = 0;
    lx.forEach((v, i) => {
      sxy += (v - mx) * (ly[i] - my);
      sxx += (v - mx) ** 2;
    });
    const exponent = sxy / sxx;
    optimalParams = { exponent, coefficient: 10 ** (my - exponent * mx) };
  }
  return { budgets, optimalParams };
}
