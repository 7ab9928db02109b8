/**
 * Just enough of the WebAssembly binary format to assemble small numeric kernels from readable opcode lists at run
 * time (no binary blobs, no toolchain, nothing fetched). Used by the Philox block generator and the vectorized
 * CartPole kernel; see https://webassembly.github.io/spec/core/binary/ for the encoding.
 */

/** Value types. */
export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;

/** Opcodes used by the kernels (MVP instruction set only, so every engine with WebAssembly runs them). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Store8: 0x3a,
  i32Const: 0x41,
  i64Const: 0x42,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtU: 0x49,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  f64Lt: 0x63,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i64Mul: 0x7e,
  i64ShrU: 0x88,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  f32DemoteF64: 0xb6,
  /** Block type of a block/loop/if that yields nothing. */
  void: 0x40,
} as const;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (the encoding of i32.const / i64.const immediates). */
export function sleb(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Instruction helpers returning byte lists, to be spread into a function body. */
export const ins = {
  get: (i: number): number[] => [OP.localGet, ...uleb(i)],
  set: (i: number): number[] => [OP.localSet, ...uleb(i)],
  tee: (i: number): number[] => [OP.localTee, ...uleb(i)],
  i32: (v: number): number[] => [OP.i32Const, ...sleb(BigInt(v | 0))],
  i64: (v: number | bigint): number[] => [OP.i64Const, ...sleb(BigInt(v))],
  /** f64.const with the exact bits of `v` (little-endian IEEE 754). */
  f64: (v: number): number[] => [OP.f64Const, ...new Uint8Array(new Float64Array([v]).buffer)],
  /** A memory access: opcode, log2 alignment, offset. */
  mem: (op: number, alignLog2: number, offset = 0): number[] => [op, alignLog2, ...uleb(offset)],
};

export interface FuncType {
  params: number[];
  results: number[];
}

export interface ImportedFunc extends FuncType {
  module: string;
  name: string;
}

export interface DefinedFunc extends FuncType {
  exportName: string;
  /** Extra locals after the parameters, in declaration order. */
  locals: number[];
  code: number[];
}

export interface ModuleSpec {
  importedFuncs?: ImportedFunc[];
  /** Import the memory as (module, name) with at least `minPages`, or define and export it as "mem". */
  memory: { import: { module: string; name: string }; minPages: number } | { exportPages: number };
  funcs: DefinedFunc[];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Encodes a module: imported functions get indices first, then the defined ones in order. */
export function assemble(spec: ModuleSpec): Uint8Array {
  const imported = spec.importedFuncs ?? [];
  const types: string[] = [];
  const typeIndex = (f: FuncType): number => {
    const key = JSON.stringify([f.params, f.results]);
    let i = types.indexOf(key);
    if (i < 0) i = types.push(key) - 1;
    return i;
  };
  const importTypes = imported.map(typeIndex);
  const funcTypes = spec.funcs.map(typeIndex);
  const typeSection = vec(
    types.map((k) => {
      const [params, results] = JSON.parse(k) as [number[], number[]];
      return [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
    }),
  );
  const imports: number[][] = imported.map((f, i) => [
    ...name(f.module),
    ...name(f.name),
    0x00,
    ...uleb(importTypes[i]),
  ]);
  const mem = spec.memory;
  if ('import' in mem)
    imports.push([...name(mem.import.module), ...name(mem.import.name), 0x02, 0x00, ...uleb(mem.minPages)]);
  const exports: number[][] = spec.funcs.map((f, i) => [...name(f.exportName), 0x00, ...uleb(imported.length + i)]);
  if ('exportPages' in mem) exports.push([...name('mem'), 0x02, 0x00]);
  const bodies = spec.funcs.map((f) => {
    // Locals as runs of equal types.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([count, t]) => [...uleb(count), t])), ...f.code, OP.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, typeSection),
    ...(imports.length > 0 ? section(2, vec(imports)) : []),
    ...section(3, vec(funcTypes.map((t) => uleb(t)))),
    ...('exportPages' in mem ? section(5, [1, 0x00, ...uleb(mem.exportPages)]) : []),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]); // prettier-ignore
}

/** The host's WebAssembly API, typed loosely enough to compile without DOM or Node typings. */
export interface WasmHost {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

/** WebAssembly where the platform has it (all current browsers and Node), else undefined. */
export function wasmHost(): WasmHost | undefined {
  return (globalThis as { WebAssembly?: WasmHost }).WebAssembly;
}
