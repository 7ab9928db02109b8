/**
 * Tables of the 256-layer Marsaglia–Tsang ziggurat for the standard normal ("The Ziggurat Method for Generating
 * Random Variables", 2000), scaled for a 23-bit uniform: a 32-bit word gives 8 bits of layer, 1 sign bit and 23 bits
 * of abscissa, so layer choice and value never share bits (Doornik's critique of the original). 256 layers leave
 * ~1.5% of draws to the slow path (128 layers: ~2.8%).
 */

/** Number of layers (a power of two: the layer is the word's low bits). */
export const ZIG_LAYERS = 256;
/** Right edge of the base layer (start of the tail). */
export const ZIG_R = 3.6541528853610088;
// Area of each layer (base layer incl. tail).
const V = 4.92867323399e-3;
const M = 8388608; // 2^23

/** Acceptance thresholds: a 23-bit r below ZIG_K[i] lies inside layer i's inner rectangle. */
export const ZIG_K = new Float64Array(ZIG_LAYERS);
/** Abscissa per unit of r in layer i (x = r * ZIG_W[i]). */
export const ZIG_W = new Float64Array(ZIG_LAYERS);
/** Density f(x_i) = exp(-x_i^2 / 2) at each layer's right edge (ZIG_F[0] = 1 is the peak). */
export const ZIG_F = new Float64Array(ZIG_LAYERS);

{
  const last = ZIG_LAYERS - 1;
  let dn = ZIG_R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * M;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / M;
  ZIG_W[last] = dn / M;
  ZIG_F[0] = 1;
  ZIG_F[last] = Math.exp(-0.5 * dn * dn);
  for (let i = last - 1; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * M;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / M;
  }
}
