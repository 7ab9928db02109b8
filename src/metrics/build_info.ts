/**
 * What `evoscale_build_info` reports: the package version, the Node.js version and, when known, the git commit.
 * Read once at startup; nothing here may fail the process (an unknown field is reported as 'unknown').
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  readonly version: string;
  readonly nodeVersion: string;
  readonly commit: string;
}

/** The nearest folder above `from` holding evoscale's package.json (src/ and dist/src/ both work). */
function packageRoot(from: string): string | undefined {
  let dir = from;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
        if (pkg.name === 'evoscale') return dir;
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function versionOf(root: string | undefined): string {
  if (root === undefined) return 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** HEAD's commit from the files in .git (no git binary needed; containers have none). */
function commitOf(root: string | undefined): string {
  if (root === undefined) return 'unknown';
  try {
    let gitDir = join(root, '.git');
    // A worktree's .git is a file naming the real git folder.
    if (!existsSync(join(gitDir, 'HEAD'))) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (pointer === null) return 'unknown';
      gitDir = pointer[1].trim();
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head);
    if (ref === null) return /^[0-9a-f]{40}$/.test(head) ? head : 'unknown';
    const common = existsSync(join(gitDir, 'commondir'))
      ? join(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = join(dir, ref[1]);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.split(' ');
        if (name === ref[1] && /^[0-9a-f]{40}$/.test(sha)) return sha;
      }
    }
  } catch {
    // No readable git metadata (an installed package, a container): the commit is simply not known.
  }
  return 'unknown';
}

/** Version, Node.js version and commit; EVOSCALE_COMMIT (set by image builds) wins over the checkout's HEAD. */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  const fromEnv = env.EVOSCALE_COMMIT;
  return {
    version: versionOf(root),
    nodeVersion: process.version,
    commit: fromEnv !== undefined && fromEnv !== '' ? fromEnv : commitOf(root),
  };
}
