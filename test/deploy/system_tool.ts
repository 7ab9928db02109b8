/**
 * Debian tools some tests drive (installed by scripts/install-system-deps.sh, which CI runs): in CI a missing tool
 * fails the test; on a developer machine the test is skipped with a message saying how to install it.
 */
import { spawnSync } from 'node:child_process';

/** Absolute path of `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

/** `{ skip }` for node:test when a tool is missing outside CI; throws in CI. */
export function requireTool(name: string): { skip: string | false } {
  if (which(name) !== undefined) return { skip: false };
  const message = `${name} is not installed: run \`bash scripts/install-system-deps.sh\` (apt-get, needs root)`;
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(message);
  return { skip: message };
}
