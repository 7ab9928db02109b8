import type { Command } from 'commander';
import { configureLogging, LOG_FORMATS, LOG_LEVELS, parseLogFormat, parseLogLevel } from '../platform/log.js';

/**
 * `--log-format` and `--log-level` on the program (before or after the subcommand; EVOSCALE_LOG_FORMAT and
 * EVOSCALE_LOG_LEVEL like every flag), applied before any command runs.
 */
export function registerLogOptions(program: Command): void {
  program
    .option(
      '--log-format <format>',
      `log lines on stderr: ${LOG_FORMATS.join(' | ')} (default: pretty on a terminal, json otherwise)`,
    )
    .option('--log-level <level>', `least severe log line shown: ${LOG_LEVELS.join(' | ')} (default info)`)
    .hook('preAction', (root) => {
      const o = root.opts<{ logFormat?: string; logLevel?: string }>();
      configureLogging({
        ...(o.logFormat !== undefined ? { format: parseLogFormat(o.logFormat) } : {}),
        ...(o.logLevel !== undefined ? { level: parseLogLevel(o.logLevel) } : {}),
      });
    });
}
