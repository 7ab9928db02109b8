/**
 * Gaussian kernel density estimates for violin plots, computed here rather than by Vega's density transform:
 * Vega takes one bandwidth for all groups or breaks (NaN) on a group whose returns are all equal, which is common
 * (a model that always reaches 500 in CartPole). Each group gets Scott's rule, floored so it is never zero.
 */

/** Density curve of one sample on an evenly spaced grid. */
export interface DensityCurve {
  value: number[];
  density: number[];
}

function sampleStd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
}

/**
 * Density of `xs` on `points` grid points spanning the sample's range extended by `cut` bandwidths (seaborn's
 * default is 2; 0 keeps bounded quantities such as returns inside what was observed), with Scott's bandwidth
 * σ·n^(−1/5), at least `minBandwidth`.
 */
export function gaussianKde(xs: readonly number[], minBandwidth: number, points = 80, cut = 2): DensityCurve {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return { value: [], density: [] };
  const bw = Math.max(sampleStd(finite) * finite.length ** -0.2, minBandwidth);
  // A constant sample still gets a visible shape: ±2 bandwidths around its value whatever `cut` is.
  const reach = Math.min(...finite) === Math.max(...finite) ? Math.max(cut, 2) : cut;
  const lo = Math.min(...finite) - reach * bw;
  const hi = Math.max(...finite) + reach * bw;
  const norm = 1 / (finite.length * bw * Math.sqrt(2 * Math.PI));
  const value: number[] = [];
  const density: number[] = [];
  for (let i = 0; i < points; i++) {
    const v = lo + ((hi - lo) * i) / (points - 1);
    let s = 0;
    for (const x of finite) s += Math.exp(-0.5 * ((v - x) / bw) ** 2);
    value.push(v);
    density.push(s * norm);
  }
  return { value, density };
}
