/**
 * The CartPole step over N sub-envs, twice: a WebAssembly kernel (assembled here from opcodes) and a JavaScript one
 * with identical semantics, over the same struct-of-arrays layout. Both evaluate cartpole.py's expressions in the
 * same order in IEEE-754 doubles and call the glibc-exact cos64/sin64 of src/shared/envs/libm, so they produce the same bits as each
 * other and as the single-env CartPole (and Gymnasium's recorded trajectories; see the tests).
 *
 * One kernel call: (0) validate every action; (1) cos/sin of each running sub-env; (2) for each sub-env: if its
 * episode ended at the previous call, restart it (next-step autoreset: four PCG64 uniform draws from its own
 * generator, exactly NumPy's `uniform(-0.05, 0.05, 4)`) or, with autoreset off, leave it be with reward 0; else
 * step the dynamics. Pass 1 is split out because calls are barriers to out-of-order execution: without them in
 * pass 2 the CPU overlaps the division chains of consecutive sub-envs.
 */
import { cos64, sin64 } from '../libm/sin_cos.js';
import { OP, T, assemble, ins, wasmHost } from '../../rng/wasm_encoding.js';

export const GRAVITY = 9.8;
export const MASS_CART = 1.0;
export const MASS_POLE = 0.1;
export const TOTAL_MASS = MASS_POLE + MASS_CART;
export const LENGTH = 0.5; // half the pole's length
export const POLEMASS_LENGTH = MASS_POLE * LENGTH;
export const FORCE_MAG = 10.0;
export const TAU = 0.02;
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const X_THRESHOLD = 2.4;
export const RESET_LOW = -0.05;
export const RESET_HIGH = 0.05;

/** Typed views of one batch of sub-envs; all share one buffer (WebAssembly memory when the kernel runs there). */
export interface CartPoleArrays {
  x: Float64Array;
  xDot: Float64Array;
  theta: Float64Array;
  thetaDot: Float64Array;
  rewards: Float64Array;
  /** Scratch for pass 1. */
  cos: Float64Array;
  sin: Float64Array;
  /** Per sub-env PCG64 state for the WebAssembly kernel: [state >> 64, state & mask64, inc >> 64, inc & mask64]. */
  pcg: BigUint64Array;
  obs: Float32Array;
  steps: Int32Array;
  actions: Int32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** 1 once the sub-env's episode ended (restarted by the next call with autoreset), else 0. */
  done: Uint8Array;
}

type Key = keyof CartPoleArrays;
/** Array order in memory; also the order of the kernel's offset parameters. */
const KEYS: readonly Key[] = ['x', 'xDot', 'theta', 'thetaDot', 'rewards', 'cos', 'sin', 'pcg', 'obs', 'steps', 'actions', 'terminated', 'truncated', 'done']; // prettier-ignore
const BYTES_PER_ENV: Record<Key, number> = {
  x: 8, xDot: 8, theta: 8, thetaDot: 8, rewards: 8, cos: 8, sin: 8, pcg: 32, obs: 16, steps: 4, actions: 4,
  terminated: 1, truncated: 1, done: 1,
}; // prettier-ignore

/** Byte offsets of each array for n sub-envs (8-byte aligned) and the total size. */
export function layout(n: number): { offsets: Record<Key, number>; bytes: number } {
  const offsets = {} as Record<Key, number>;
  let at = 0;
  for (const key of KEYS) {
    offsets[key] = at;
    at += Math.ceil((BYTES_PER_ENV[key] * n) / 8) * 8;
  }
  return { offsets, bytes: at };
}

/** Views of `buffer` laid out by `layout(n)`. */
export function views(buffer: ArrayBuffer, n: number): CartPoleArrays {
  const o = layout(n).offsets;
  return {
    x: new Float64Array(buffer, o.x, n),
    xDot: new Float64Array(buffer, o.xDot, n),
    theta: new Float64Array(buffer, o.theta, n),
    thetaDot: new Float64Array(buffer, o.thetaDot, n),
    rewards: new Float64Array(buffer, o.rewards, n),
    cos: new Float64Array(buffer, o.cos, n),
    sin: new Float64Array(buffer, o.sin, n),
    pcg: new BigUint64Array(buffer, o.pcg, 4 * n),
    obs: new Float32Array(buffer, o.obs, 4 * n),
    steps: new Int32Array(buffer, o.steps, n),
    actions: new Int32Array(buffer, o.actions, n),
    terminated: new Uint8Array(buffer, o.terminated, n),
    truncated: new Uint8Array(buffer, o.truncated, n),
    done: new Uint8Array(buffer, o.done, n),
  };
}

/** Steps n sub-envs; returns 0, or i + 1 when actions[i] is not 0 or 1 (then nothing was stepped). */
export type CartPoleKernel = (n: number, limit: number, autoreset: boolean) => number;

/** Writes the restarted state of sub-env i (from `uniform(-0.05, 0.05)` × 4) and clears its step outputs. */
export function writeReset(
  a: CartPoleArrays,
  i: number,
  x: number,
  xDot: number,
  theta: number,
  thetaDot: number,
): void {
  a.x[i] = x;
  a.xDot[i] = xDot;
  a.theta[i] = theta;
  a.thetaDot[i] = thetaDot;
  const o = i * 4;
  a.obs[o] = x;
  a.obs[o + 1] = xDot;
  a.obs[o + 2] = theta;
  a.obs[o + 3] = thetaDot;
  a.steps[i] = 0;
  a.rewards[i] = 0;
  a.terminated[i] = 0;
  a.truncated[i] = 0;
  a.done[i] = 0;
}

/** The JavaScript kernel over `a`; `restart(i)` performs sub-env i's autoreset with its own generator. */
export function jsKernel(a: CartPoleArrays, restart: (i: number) => void): CartPoleKernel {
  const { x: xs, xDot: xDots, theta: thetas, thetaDot: thetaDots, obs, rewards } = a;
  const { terminated, truncated, done, steps, actions } = a;
  return (n, limit, autoreset) => {
    for (let i = 0; i < n; i++) if (actions[i] >>> 0 > 1) return i + 1;
    for (let i = 0; i < n; i++) {
      if (done[i] !== 0) {
        if (autoreset) restart(i);
        else rewards[i] = 0;
        continue;
      }
      // Same expression trees as cartpole.py, so every float64 rounding matches.
      const force = actions[i] === 1 ? FORCE_MAG : -FORCE_MAG;
      let x = xs[i];
      let xDot = xDots[i];
      let theta = thetas[i];
      let thetaDot = thetaDots[i];
      const cos = cos64(theta);
      const sin = sin64(theta);
      const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
      const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cos * cos)) / TOTAL_MASS));
      const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
      x = x + TAU * xDot;
      xDot = xDot + TAU * xAcc;
      theta = theta + TAU * thetaDot;
      thetaDot = thetaDot + TAU * thetaAcc;
      xs[i] = x;
      xDots[i] = xDot;
      thetas[i] = theta;
      thetaDots[i] = thetaDot;
      const o = i * 4;
      obs[o] = x;
      obs[o + 1] = xDot;
      obs[o + 2] = theta;
      obs[o + 3] = thetaDot;
      const term = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
      const s = steps[i] + 1;
      steps[i] = s;
      // TimeLimit sets truncated independently of terminated, so both can be 1 on the last step.
      const trunc = s >= limit;
      rewards[i] = 1.0;
      terminated[i] = term ? 1 : 0;
      truncated[i] = trunc ? 1 : 0;
      done[i] = term || trunc ? 1 : 0;
    }
    return 0;
  };
}

// PCG64's multiplier as 64-bit halves, and the low half split again for the 64x64 -> high-64 product.
const MULT = 0x2360ed051fc65da44385df649fccf645n;
const MULT_HI = MULT >> 64n;
const MULT_LO = MULT & 0xffffffffffffffffn;
const I64 = {
  load: 0x29,
  store: 0x37,
  ltU: 0x54,
  add: 0x7c,
  and: 0x83,
  xor: 0x85,
  shrU: 0x88,
  rotr: 0x8a,
  f64ConvertU: 0xba,
  i32GtU: 0x4b,
  return: 0x0f,
} as const;

/** The WebAssembly kernel: `step(n, limit, autoreset, ...offsets in KEYS order) → 0 | i + 1`. */
function kernelBytes(): Uint8Array {
  const { get, set, tee, i32, i64, f64, mem } = ins;
  const [N, LIMIT, AUTORESET] = [0, 1, 2];
  const off = (k: Key): number => 3 + KEYS.indexOf(k);
  let next = 3 + KEYS.length;
  const local = (): number => next++;
  const [I, A8, D, S, TERM, P] = [local(), local(), local(), local(), local(), local()];
  const i32Count = next - (3 + KEYS.length);
  const [SH, SL, A0, A1, P01, P10, LO, HI] = Array.from({ length: 8 }, local);
  const i64Count = 8;
  const [X, XD, TH, TD, COS, SIN, TEMP, THACC, XACC, FORCE] = Array.from({ length: 10 }, local);
  const f64Count = 10;
  const COS_FN = 0;
  const SIN_FN = 1;
  const at = (k: Key, shift: 0 | 2 | 3): number[] =>
    shift === 0
      ? [...get(off(k)), ...get(I), OP.i32Add]
      : shift === 3
        ? [...get(off(k)), ...get(A8), OP.i32Add]
        : [...get(off(k)), ...get(I), ...i32(2), OP.i32Shl, OP.i32Add];
  const obsStore = (slot: number, value: number): number[] => [
    ...get(off('obs')), ...get(A8), ...get(A8), OP.i32Add, OP.i32Add, // obs + 16 i
    ...get(value), OP.f32DemoteF64, ...mem(OP.f32Store, 2, 4 * slot),
  ]; // prettier-ignore
  const lo32 = (l: number): number[] => [...get(l), ...i64(0xffffffff), I64.and];
  const hi32 = (l: number): number[] => [...get(l), ...i64(32), I64.shrU];
  // One PCG64 draw for the generator at address P, as NumPy's uniform(low, high): low + (high - low) * next_double.
  const uniform = [
    ...get(P), ...mem(I64.load, 3, 0), ...set(SH),
    ...get(P), ...mem(I64.load, 3, 8), ...set(SL),
    // High 64 bits of SL * MULT_LO from 32-bit halves: a1*b1 + hi(a0*b1) + hi(a1*b0) + hi(hi(a0*b0) + lo + lo).
    ...lo32(SL), ...set(A0), ...hi32(SL), ...set(A1),
    ...get(A0), ...i64(MULT_LO >> 32n), OP.i64Mul, ...set(P01),
    ...get(A1), ...i64(MULT_LO & 0xffffffffn), OP.i64Mul, ...set(P10),
    ...get(A1), ...i64(MULT_LO >> 32n), OP.i64Mul,
    ...hi32(P01), I64.add, ...hi32(P10), I64.add,
    ...get(A0), ...i64(MULT_LO & 0xffffffffn), OP.i64Mul, ...i64(32), I64.shrU,
    ...lo32(P01), I64.add, ...lo32(P10), I64.add, ...i64(32), I64.shrU, I64.add,
    // + SH * MULT_LO + SL * MULT_HI (mod 2^64), then + inc with the carry out of the low half.
    ...get(SH), ...i64(MULT_LO), OP.i64Mul, I64.add,
    ...get(SL), ...i64(MULT_HI), OP.i64Mul, I64.add,
    ...get(P), ...mem(I64.load, 3, 16), I64.add, ...set(HI),
    ...get(SL), ...i64(MULT_LO), OP.i64Mul, ...tee(SL),
    ...get(P), ...mem(I64.load, 3, 24), I64.add, ...tee(LO),
    ...get(SL), I64.ltU, OP.i64ExtendI32U, ...get(HI), I64.add, ...set(HI),
    ...get(P), ...get(HI), ...mem(I64.store, 3, 0),
    ...get(P), ...get(LO), ...mem(I64.store, 3, 8),
    // XSL-RR output, then next_double = (out >> 11) * 2^-53.
    ...f64(RESET_LOW), ...f64(RESET_HIGH - RESET_LOW),
    ...get(HI), ...get(LO), I64.xor, ...get(HI), ...i64(58), I64.shrU, I64.rotr,
    ...i64(11), I64.shrU, I64.f64ConvertU, ...f64(2 ** -53), OP.f64Mul,
    OP.f64Mul, OP.f64Add,
  ]; // prettier-ignore
  const loop = (body: number[]): number[] => [
    ...i32(0), ...set(I),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(I), ...get(N), OP.i32GeU, OP.brIf, 1,
    ...body,
    ...get(I), ...i32(1), OP.i32Add, ...set(I),
    OP.br, 0,
    OP.end, OP.end,
  ]; // prettier-ignore
  // Inside `body`, skip to the next sub-env from within one nested if/block: increment, then branch to the loop.
  const continueFromIf = [...get(I), ...i32(1), OP.i32Add, ...set(I), OP.br, 1];
  const code = [
    // Pass 0: every action must be 0 or 1.
    ...loop([
      ...at('actions', 2), ...mem(OP.i32Load, 2), ...i32(1), I64.i32GtU,
      OP.if, OP.void, ...get(I), ...i32(1), OP.i32Add, I64.return, OP.end,
    ]),
    // Pass 1: trigonometry of running sub-envs.
    ...loop([
      ...at('done', 0), ...mem(OP.i32Load8U, 0), OP.i32Eqz,
      OP.if, OP.void,
      ...get(I), ...i32(3), OP.i32Shl, ...set(A8),
      ...at('cos', 3), ...at('theta', 3), ...mem(OP.f64Load, 3), OP.call, COS_FN, ...mem(OP.f64Store, 3),
      ...at('sin', 3), ...at('theta', 3), ...mem(OP.f64Load, 3), OP.call, SIN_FN, ...mem(OP.f64Store, 3),
      OP.end,
    ]),
    // Pass 2: restarts and dynamics.
    ...loop([
      ...get(I), ...i32(3), OP.i32Shl, ...set(A8),
      ...at('done', 0), ...mem(OP.i32Load8U, 0), ...tee(D),
      OP.if, OP.void,
      ...get(AUTORESET),
      OP.if, OP.void,
      ...get(off('pcg')), ...get(I), ...i32(5), OP.i32Shl, OP.i32Add, ...set(P),
      ...uniform, ...set(X), ...uniform, ...set(XD), ...uniform, ...set(TH), ...uniform, ...set(TD),
      ...at('x', 3), ...get(X), ...mem(OP.f64Store, 3),
      ...at('xDot', 3), ...get(XD), ...mem(OP.f64Store, 3),
      ...at('theta', 3), ...get(TH), ...mem(OP.f64Store, 3),
      ...at('thetaDot', 3), ...get(TD), ...mem(OP.f64Store, 3),
      ...obsStore(0, X), ...obsStore(1, XD), ...obsStore(2, TH), ...obsStore(3, TD),
      ...at('steps', 2), ...i32(0), ...mem(OP.i32Store, 2),
      ...at('terminated', 0), ...i32(0), ...mem(OP.i32Store8, 0),
      ...at('truncated', 0), ...i32(0), ...mem(OP.i32Store8, 0),
      ...at('done', 0), ...i32(0), ...mem(OP.i32Store8, 0),
      OP.end,
      ...at('rewards', 3), ...f64(0), ...mem(OP.f64Store, 3),
      ...continueFromIf,
      OP.end,
      ...at('x', 3), ...mem(OP.f64Load, 3), ...set(X),
      ...at('xDot', 3), ...mem(OP.f64Load, 3), ...set(XD),
      ...at('theta', 3), ...mem(OP.f64Load, 3), ...set(TH),
      ...at('thetaDot', 3), ...mem(OP.f64Load, 3), ...set(TD),
      ...at('cos', 3), ...mem(OP.f64Load, 3), ...set(COS),
      ...at('sin', 3), ...mem(OP.f64Load, 3), ...set(SIN),
      // force = actions[i] == 1 ? FORCE_MAG : -FORCE_MAG
      ...f64(FORCE_MAG), ...f64(-FORCE_MAG), ...at('actions', 2), ...mem(OP.i32Load, 2), ...i32(1), OP.i32Eq,
      OP.select, ...set(FORCE),
      // temp = (force + PML * (td * td) * sin) / TOTAL
      ...get(FORCE), ...f64(POLEMASS_LENGTH), ...get(TD), ...get(TD), OP.f64Mul, OP.f64Mul, ...get(SIN), OP.f64Mul,
      OP.f64Add, ...f64(TOTAL_MASS), OP.f64Div, ...set(TEMP),
      // thetaAcc = (G * sin - cos * temp) / (LENGTH * (4/3 - (MP * (cos * cos)) / TOTAL))
      ...f64(GRAVITY), ...get(SIN), OP.f64Mul, ...get(COS), ...get(TEMP), OP.f64Mul, OP.f64Sub,
      ...f64(LENGTH), ...f64(4.0 / 3.0), ...f64(MASS_POLE), ...get(COS), ...get(COS), OP.f64Mul, OP.f64Mul,
      ...f64(TOTAL_MASS), OP.f64Div, OP.f64Sub, OP.f64Mul, OP.f64Div, ...set(THACC),
      // xAcc = temp - (PML * thetaAcc * cos) / TOTAL
      ...get(TEMP), ...f64(POLEMASS_LENGTH), ...get(THACC), OP.f64Mul, ...get(COS), OP.f64Mul, ...f64(TOTAL_MASS),
      OP.f64Div, OP.f64Sub, ...set(XACC),
      // Euler: positions advance with the old velocities.
      ...get(X), ...f64(TAU), ...get(XD), OP.f64Mul, OP.f64Add, ...set(X),
      ...get(XD), ...f64(TAU), ...get(XACC), OP.f64Mul, OP.f64Add, ...set(XD),
      ...get(TH), ...f64(TAU), ...get(TD), OP.f64Mul, OP.f64Add, ...set(TH),
      ...get(TD), ...f64(TAU), ...get(THACC), OP.f64Mul, OP.f64Add, ...set(TD),
      ...at('x', 3), ...get(X), ...mem(OP.f64Store, 3),
      ...at('xDot', 3), ...get(XD), ...mem(OP.f64Store, 3),
      ...at('theta', 3), ...get(TH), ...mem(OP.f64Store, 3),
      ...at('thetaDot', 3), ...get(TD), ...mem(OP.f64Store, 3),
      ...obsStore(0, X), ...obsStore(1, XD), ...obsStore(2, TH), ...obsStore(3, TD),
      // term = x < -2.4 | x > 2.4 | theta < -thr | theta > thr
      ...get(X), ...f64(-X_THRESHOLD), OP.f64Lt, ...get(X), ...f64(X_THRESHOLD), OP.f64Gt, OP.i32Or,
      ...get(TH), ...f64(-THETA_THRESHOLD), OP.f64Lt, OP.i32Or, ...get(TH), ...f64(THETA_THRESHOLD), OP.f64Gt,
      OP.i32Or, ...set(TERM),
      // s = ++steps[i]; truncated = s >= limit (independently of terminated, as TimeLimit does)
      ...at('steps', 2), ...at('steps', 2), ...mem(OP.i32Load, 2), ...i32(1), OP.i32Add, ...tee(S),
      ...mem(OP.i32Store, 2),
      ...at('rewards', 3), ...f64(1), ...mem(OP.f64Store, 3),
      ...at('terminated', 0), ...get(TERM), ...mem(OP.i32Store8, 0),
      ...at('truncated', 0), ...get(S), ...get(LIMIT), OP.i32GeS, ...mem(OP.i32Store8, 0),
      ...at('done', 0), ...get(TERM), ...get(S), ...get(LIMIT), OP.i32GeS, OP.i32Or, ...mem(OP.i32Store8, 0),
    ]),
    ...i32(0),
  ]; // prettier-ignore
  const unary = { params: [T.f64], results: [T.f64] };
  return assemble({
    importedFuncs: [
      { module: 'm', name: 'cos', ...unary },
      { module: 'm', name: 'sin', ...unary },
    ],
    memory: { import: { module: 'm', name: 'mem' }, minPages: 1 },
    funcs: [
      {
        exportName: 'step',
        params: new Array<number>(3 + KEYS.length).fill(T.i32),
        results: [T.i32],
        locals: [
          ...new Array<number>(i32Count).fill(T.i32),
          ...new Array<number>(i64Count).fill(T.i64),
          ...new Array<number>(f64Count).fill(T.f64),
        ],
        code,
      },
    ],
  });
}

let compiled: object | null | undefined;

/**
 * A WebAssembly kernel with its own memory sized for n sub-envs, or undefined where WebAssembly is unavailable or
 * refuses to compile (then use `jsKernel`). Its autoresets draw from the PCG64 states in `pcg`.
 */
export function wasmKernel(n: number): { kernel: CartPoleKernel; buffer: ArrayBuffer } | undefined {
  const host = wasmHost();
  if (host === undefined || compiled === null) return undefined;
  try {
    compiled ??= new host.Module(kernelBytes());
    const { offsets, bytes } = layout(n);
    const memory = new host.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    // glibc-exact sin/cos imported from JS, so the kernel rounds exactly as the single env and Gymnasium do.
    const instance = new host.Instance(compiled, { m: { cos: cos64, sin: sin64, mem: memory } });
    const step = instance.exports.step as (...args: number[]) => number;
    const o = KEYS.map((k) => offsets[k]);
    const kernel: CartPoleKernel = (count, limit, autoreset) =>
      step(count, limit, autoreset ? 1 : 0, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13]); // prettier-ignore
    return { kernel, buffer: memory.buffer };
  } catch {
    compiled = null;
    return undefined;
  }
}
