/**
 * Tables of NumPy's 256-layer ziggurats (Marsaglia & Tsang, "The Ziggurat Method for Generating Random Variables",
 * 2000), which `Generator.standard_normal` and `Generator.standard_exponential` draw from: a normal ziggurat scaled
 * for NumPy's 52-bit abscissa and an exponential one scaled for its 53-bit abscissa.
 *
 * NumPy ships these as precomputed literals; we rebuild them at load time from the published recurrence and the
 * layer constants, so entries can differ from NumPy's in the last bits (about 1e-13 relative). A draw only changes
 * when a 52/53-bit random integer falls within that distance of a threshold, so float32 samples agree with NumPy's
 * (the Box fixtures check this) and float64 ones agree to ~1e-13.
 */

const LAYERS = 256;

/** Right edge of the normal ziggurat's base layer (where the tail starts), and its reciprocal. */
export const NORMAL_R = 3.6541528853610088;
export const NORMAL_INV_R = 0.2736612373297583;
/** Area of each normal layer, to the precision the layer edges need. */
const NORMAL_V = 0.004928673233974655;
/** Right edge of the exponential ziggurat's base layer. */
export const EXP_R = 7.69711747013105;
const EXP_V = 0.003949659822581557;

export interface Ziggurat {
  /** Acceptance thresholds: an abscissa integer below k[i] lies inside layer i's inner rectangle. */
  readonly k: Float64Array;
  /** Abscissa per unit of the random integer in layer i. */
  readonly w: Float64Array;
  /** Density at each layer's right edge (f[0] = 1 is the peak). */
  readonly f: Float64Array;
}

function build(
  r: number,
  v: number,
  scale: number,
  density: (x: number) => number,
  inverse: (y: number) => number,
): Ziggurat {
  const k = new Float64Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  const last = LAYERS - 1;
  let dn = r;
  let tn = dn;
  const q = v / density(dn);
  k[0] = Math.floor((dn / q) * scale);
  k[1] = 0;
  w[0] = q / scale;
  w[last] = dn / scale;
  f[0] = 1;
  f[last] = density(dn);
  for (let i = last - 1; i >= 1; i--) {
    dn = inverse(v / dn + density(dn));
    k[i + 1] = Math.floor((dn / tn) * scale);
    tn = dn;
    f[i] = density(dn);
    w[i] = dn / scale;
  }
  return { k, w, f };
}

/** The standard normal ziggurat (NumPy's ki_double, wi_double, fi_double), for a 52-bit abscissa. */
export const NORMAL_ZIGGURAT: Ziggurat = build(
  NORMAL_R,
  NORMAL_V,
  2 ** 52,
  (x) => Math.exp(-0.5 * x * x),
  (y) => Math.sqrt(-2 * Math.log(y)),
);

/** The standard exponential ziggurat (NumPy's ke_double, we_double, fe_double), for a 53-bit abscissa. */
export const EXP_ZIGGURAT: Ziggurat = build(
  EXP_R,
  EXP_V,
  2 ** 53,
  (x) => Math.exp(-x),
  (y) => -Math.log(y),
);
