/**
 * Runs a Python oracle (NumPy/SciPy) on JSON input: the tests' outside reference for metrics.
 */
import { spawnSync } from 'node:child_process';

/** Result of an oracle run: its parsed JSON output, or why it could not run (python3, NumPy or SciPy missing). */
export interface OracleResult<T> {
  value?: T;
  skip?: string;
}

/** Runs `code` with `input` (as JSON) in the variable `data`; the code must print one JSON document. */
export function pythonOracle<T>(code: string, input: unknown): OracleResult<T> {
  const res = spawnSync('python3', ['-c', 'import json, sys\ndata = json.load(sys.stdin)\n' + code], {
    encoding: 'utf8',
    input: JSON.stringify(input),
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) return { skip: `python3 not available (${res.error.message})` };
  if (res.status !== 0) {
    const missing = /No module named '?(numpy|scipy)/.exec(res.stderr);
    if (missing) return { skip: `${missing[1]} is not installed for python3` };
    throw new Error('Python oracle failed:\n' + res.stderr);
  }
  return { value: JSON.parse(res.stdout) as T };
}
