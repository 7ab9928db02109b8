/** `evoscale collect`: serves the human-play collection app and stores the episodes participants play. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { onShutdown } from '../../coordinator/launch.js';
import { DEFAULT_MAX_BODY_BYTES, startCollectServer } from '../../collect/server.js';
import { DEFAULT_COLLECT_LIMITS } from '../../collect/limits.js';
import { parseIntOption } from '../options.js';
import { bindLogFields, lineLog, newRunId } from '../../platform/log.js';

interface CollectFlags {
  dataDir: string;
  port: string;
  host: string;
  maxBodyBytes: string;
  appDir?: string;
  quiet: boolean;
  ratePerMinute: string;
  maxParticipantBytes: string;
  maxStoredBytes: string;
  maxConcurrentBodies: string;
}

/** Registers `collect`. */
export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description(
      'Serve the web app where participants play the four games; episodes go to <data-dir>/<participant>.jsonl',
    )
    .option('-d, --data-dir <dir>', 'folder of the per-participant episode files', 'data/human')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 lets other machines in)', '127.0.0.1')
    .option('--max-body-bytes <n>', 'largest accepted episode submission', String(DEFAULT_MAX_BODY_BYTES))
    .option(
      '--rate-per-minute <n>',
      'episode submissions per minute from one client address (more get 429)',
      String(DEFAULT_COLLECT_LIMITS.ratePerMinute),
    )
    .option(
      '--max-participant-bytes <n>',
      "bytes one participant's file may reach (more get 403)",
      String(DEFAULT_COLLECT_LIMITS.maxParticipantBytes),
    )
    .option(
      '--max-stored-bytes <n>',
      'bytes the whole data folder may reach (more get 507; browsers keep the episode and retry)',
      String(DEFAULT_COLLECT_LIMITS.maxStoredBytes),
    )
    .option(
      '--max-concurrent-bodies <n>',
      'request bodies held in memory at once (more get 503)',
      String(DEFAULT_COLLECT_LIMITS.maxConcurrentBodies),
    )
    .option('--app-dir <dir>', 'folder of the built browser app (default: dist/app of this package)')
    .option('-q, --quiet', 'do not log each stored or refused episode', false)
    .action(async (flags: CollectFlags) => {
      const dataDir = resolve(flags.dataDir);
      bindLogFields({ runId: newRunId('collect') });
      const log = lineLog();
      const server = await startCollectServer({
        dataDir,
        port: parseIntOption('--port', flags.port, 0, 65535),
        host: flags.host,
        maxBodyBytes: parseIntOption('--max-body-bytes', flags.maxBodyBytes, 1024, 2 ** 30),
        ratePerMinute: parseIntOption('--rate-per-minute', flags.ratePerMinute, 1),
        maxParticipantBytes: parseIntOption('--max-participant-bytes', flags.maxParticipantBytes, 1),
        maxStoredBytes: parseIntOption('--max-stored-bytes', flags.maxStoredBytes, 1),
        maxConcurrentBodies: parseIntOption('--max-concurrent-bodies', flags.maxConcurrentBodies, 1, 100_000),
        ...(flags.appDir !== undefined ? { appDir: resolve(flags.appDir) } : {}),
        log: flags.quiet ? () => undefined : log,
      });
      process.stdout.write(
        `evoscale collect: serving ${server.url} (episodes in ${dataDir}, ${server.stored()} stored so far); ` +
          `Ctrl-C stops\n`,
      );
      onShutdown(async (signal) => {
        process.stdout.write(`evoscale collect: ${signal}, finishing requests in flight and stopping\n`);
        await server.close();
        process.stdout.write(`evoscale collect: stopped (${server.stored()} episodes stored)\n`);
      });
    });
}
