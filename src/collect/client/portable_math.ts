/**
 * Math.sin, Math.cos and Math.atan2 that give the same bits in every JavaScript engine, for the pages and threads
 * that play or replay LunarLander. Engines disagree in the last bit: Node 20's V8 computes sin/cos/atan2 with
 * fdlibm, Chromium 156's V8 like glibc, Firefox and Safari otherwise (measured: ~3.5% of sin/cos and ~18% of atan2
 * arguments differ between Node 20 and Chromium 156). LunarLander's physics (planck, which captures `Math.sin`,
 * `Math.cos` and `Math.atan2` when it loads, and the env's engine impulses) is chaotic, so a browser-played episode
 * failed the server's bit-exact replay within a dozen steps. The classic-control envs already use the project's own
 * sin64/cos64 and are unaffected.
 *
 * `installPortableMath()` replaces the three functions on the global Math object with pure-JS ones: sin/cos are the
 * project's port of glibc (`sin64`/`cos64`), atan2 a port of fdlibm's `e_atan2.c`/`s_atan.c` (as V8 ≤ 11 ships it).
 * It must run before planck is first imported, and only in a realm that exists for this purpose (the collection
 * page, the server's replay worker), never in a process whose other numbers it would change.
 */
import { cos64, sin64 } from '../../shared/envs/libm/sin_cos.js';

// Beyond this sin64/cos64 defer to Math.sin/Math.cos themselves; such angles never occur in the games.
const TRIG_LIMIT = 1e8;

const buf = new DataView(new ArrayBuffer(8));
function hi(x: number): number {
  buf.setFloat64(0, x);
  return buf.getInt32(0);
}
function lo(x: number): number {
  buf.setFloat64(0, x);
  return buf.getUint32(4);
}

const ATAN_HI = [4.63647609000806093515e-1, 7.85398163397448278999e-1, 9.82793723247329054082e-1, 1.570796326794896558];
const ATAN_LO = [
  2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17,
];
const AT = [
  3.33333333333329318027e-1, -1.99999999998764832476e-1, 1.42857142725034663711e-1, -1.1111110405462355788e-1,
  9.09088713343650656196e-2, -7.69187620504482999495e-2, 6.66107313738753120669e-2, -5.83357013379057348645e-2,
  4.97687799461593236017e-2, -3.6531572744216915527e-2, 1.62858201153657823623e-2,
]; // prettier-ignore
// fdlibm's pi_o_4, pi_o_2 and pi are the doubles nearest π/4, π/2 and π.
const PI_O_4 = Math.PI / 4;
const PI_O_2 = Math.PI / 2;
const PI = Math.PI;
const PI_LO = 1.2246467991473532e-16; // 0x3CA1A626_33145C07

/** fdlibm's atan (s_atan.c): argument reduction to |x| < 7/16 and an 11-term odd polynomial. */
export function atanPortable(x: number): number {
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  let id: number;
  if (ix >= 0x44100000) {
    // |x| >= 2^66, or NaN
    if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lo(x) !== 0)) return x + x;
    return hx > 0 ? ATAN_HI[3] + ATAN_LO[3] : -ATAN_HI[3] - ATAN_LO[3];
  }
  if (ix < 0x3fdc0000) {
    // |x| < 0.4375
    if (ix < 0x3e400000) return x; // |x| < 2^-27
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3ff30000) {
      if (ix < 0x3fe60000) {
        id = 0;
        x = (2.0 * x - 1.0) / (2.0 + x);
      } else {
        id = 1;
        x = (x - 1.0) / (x + 1.0);
      }
    } else if (ix < 0x40038000) {
      id = 2;
      x = (x - 1.5) / (1.0 + 1.5 * x);
    } else {
      id = 3;
      x = -1.0 / x;
    }
  }
  const z = x * x;
  const w = z * z;
  const s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
  const s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
  if (id < 0) return x - x * (s1 + s2);
  const r = ATAN_HI[id] - (x * (s1 + s2) - ATAN_LO[id] - x);
  return hx < 0 ? -r : r;
}

/** fdlibm's atan2 (e_atan2.c), with its handling of zeros, infinities and NaN. */
export function atan2Portable(y: number, x: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  const lx = lo(x);
  const hy = hi(y);
  const iy = hy & 0x7fffffff;
  const ly = lo(y);
  if (((hx - 0x3ff00000) | lx) === 0) return atanPortable(y); // x = 1
  let m = ((hy >>> 31) & 1) | ((hx >>> 30) & 2); // 2·sign(x) + sign(y)
  if ((iy | ly) === 0) {
    // y = ±0
    if (m === 0 || m === 1) return y;
    return m === 2 ? PI : -PI;
  }
  if ((ix | lx) === 0) return hy < 0 ? -PI_O_2 : PI_O_2; // x = ±0
  if (ix === 0x7ff00000) {
    // x = ±∞
    if (iy === 0x7ff00000) return [PI_O_4, -PI_O_4, 3.0 * PI_O_4, -3.0 * PI_O_4][m];
    return [0, -0, PI, -PI][m];
  }
  if (iy === 0x7ff00000) return hy < 0 ? -PI_O_2 : PI_O_2; // y = ±∞
  const k = (iy - ix) >> 20;
  let z: number;
  if (k > 60) {
    // |y/x| > 2^60
    z = PI_O_2 + 0.5 * PI_LO;
    m &= 1;
  } else if (hx < 0 && k < -60)
    z = 0.0; // 0 > |y|/x > -2^-60
  else z = atanPortable(Math.abs(y / x));
  switch (m) {
    case 0:
      return z;
    case 1:
      return -z;
    case 2:
      return PI - (z - PI_LO);
    default:
      return z - PI_LO - PI;
  }
}

const INSTALLED = Symbol.for('evoscale.portableMath');

/** True once `installPortableMath` ran in this realm. */
export function portableMathInstalled(): boolean {
  return (Math as unknown as Record<symbol, unknown>)[INSTALLED] === true;
}

/** Replaces Math.sin, Math.cos and Math.atan2 in this realm with the portable versions (idempotent). */
export function installPortableMath(): void {
  if (portableMathInstalled()) return;
  const nativeSin = Math.sin;
  const nativeCos = Math.cos;
  const m = Math as unknown as Record<string | symbol, unknown>;
  m.sin = (x: number): number => (Math.abs(x) < TRIG_LIMIT ? sin64(x) : nativeSin(x));
  m.cos = (x: number): number => (Math.abs(x) < TRIG_LIMIT ? cos64(x) : nativeCos(x));
  m.atan2 = atan2Portable;
  m[INSTALLED] = true;
}
