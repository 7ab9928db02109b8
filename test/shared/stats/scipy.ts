/** Runs SciPy as the outside oracle for the statistics tests: one python3 process per call, JSON in and out. */
import { spawnSync } from 'node:child_process';

/** The oracle's parsed output, or why it could not run (python3, SciPy or mpmath missing), for `t.skip`. */
export interface OracleResult<T> {
  value?: T;
  skip?: string;
}

/** Runs `code` with the JSON `input` bound to `data`; the code must print exactly one JSON document. */
export function scipyOracle<T>(code: string, input: unknown): OracleResult<T> {
  const prelude =
    'import json, sys, math\nimport numpy as np\nfrom scipy import stats, special\ndata = json.load(sys.stdin)\n';
  const res = spawnSync('python3', ['-c', prelude + code], {
    encoding: 'utf8',
    // JSON has no Infinity/NaN but Python's json reads them as bare words: write them that way.
    input: JSON.stringify(input, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ).replace(/"(-?Infinity|NaN)"/g, '$1'),
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) return { skip: `python3 not available (${res.error.message})` };
  if (res.status !== 0) {
    const missing = /No module named '?(numpy|scipy|mpmath)/.exec(res.stderr);
    if (missing) return { skip: `${missing[1]} is not installed for python3` };
    throw new Error('SciPy oracle failed:\n' + res.stderr);
  }
  // Python's json writes NaN/Infinity as bare words, which JSON.parse rejects: quote them first (the oracle
  // outputs only numbers, so no string can contain these words).
  const text = res.stdout.replace(/-?Infinity|NaN/g, '"$&"');
  return {
    value: JSON.parse(text, (_k, v: unknown) =>
      typeof v === 'string' && /^(NaN|-?Infinity)$/.test(v) ? Number(v) : v,
    ) as T,
  };
}

/** A small seeded generator (mulberry32) so that every random test case is the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Asserts |actual − expected| ≤ rtol·|expected| + atol, with a message naming the case. */
export function assertClose(actual: number, expected: number, rtol: number, atol: number, what: string): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (actual === expected) return;
  const err = Math.abs(actual - expected);
  if (!(err <= rtol * Math.abs(expected) + atol)) {
    throw new Error(`${what}: got ${actual}, SciPy gives ${expected} (|diff| ${err.toExponential(2)})`);
  }
}
