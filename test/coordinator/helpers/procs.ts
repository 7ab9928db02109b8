/**
 * Real processes for the runtime's multi-process tests: the CLI entry (TypeScript through tsx, or the compiled
 * JavaScript under dist/), free loopback ports, polling helpers and temp folders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ts = import.meta.url.endsWith('.ts');
const entry = fileURLToPath(new URL(`./cli_entry.${ts ? 'ts' : 'js'}`, import.meta.url));

export interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** SIGKILL, as a crash would. */
  kill9(): void;
}

/** Runs `evoscale <args>` as a child process. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  const argv = ts ? ['--import', 'tsx', entry, ...args] : [entry, ...args];
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    kill9: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh temp folder and its cleanup. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `evoscale-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Kills every process still running (test teardown). */
export function killAll(procs: readonly Proc[]): void {
  for (const p of procs) p.kill9();
}

/** The process's exit code, failing with its stderr when it is not 0. */
export async function expectSuccess(p: Proc, what: string, timeoutMs = 300_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (code !== 0) {
    p.kill9();
    throw new Error(
      `${what} exited with ${String(code)}\n--- stderr ---\n${p.stderr()}\n--- stdout ---\n${p.stdout()}`,
    );
  }
}
