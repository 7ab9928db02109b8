/**
 * The one logger of the evoscale process (pino): what a running command narrates for operators (workers joining,
 * generations, trials finishing, retries, stops). JSON lines with a level, an ISO time, `msg` and the run's `runId`
 * when stderr is not a terminal (log collectors parse them); readable lines (pino-pretty) on a terminal.
 * `--log-format json|pretty` or EVOSCALE_LOG_FORMAT overrides the choice, `--log-level` / EVOSCALE_LOG_LEVEL the level.
 *
 * What a command produces (tables, `--plan` JSON, "done: report.md", the resume command, a refusal) is not a log
 * line: it stays plain text on stdout/stderr.
 *
 * Both formats write synchronously to stderr: a command that exits right after a line (a signal, an error) must not
 * lose it, and stdout is kept for results.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../shared/errors.js';

export type { Logger };

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The levels a `log(line, level)` callback of the lower layers may use. */
export type LineLevel = 'error' | 'warn' | 'info' | 'debug';

/** A narrated line with its level, as the coordinator, worker, sweep and collect server take it. */
export type LineLog = (line: string, level?: LineLevel) => void;

export interface LogSettings {
  /** Default: pretty when stderr is a terminal, else json. */
  readonly format?: LogFormat;
  /** Default: info. */
  readonly level?: LogLevel;
  /** Where lines go (default stderr, fd 2); a path or fd for tests. */
  readonly destination?: number | string;
}

/** Parses a --log-format value (or EVOSCALE_LOG_FORMAT), naming the flag in the refusal. */
export function parseLogFormat(raw: string, flag = '--log-format'): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(raw)) return raw as LogFormat;
  throw new InvalidArgumentError(`${flag} must be ${LOG_FORMATS.join(' or ')} (got '${raw}')`);
}

/** Parses a --log-level value (or EVOSCALE_LOG_LEVEL), naming the flag in the refusal. */
export function parseLogLevel(raw: string, flag = '--log-level'): LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new InvalidArgumentError(`${flag} must be one of ${LOG_LEVELS.join(', ')} (got '${raw}')`);
}

/**
 * EVOSCALE_LOG_FORMAT when set (read here too, so that library users and every entry point honour it), else JSON
 * for pipes, files and log collectors and readable lines for a person at a terminal.
 */
export function defaultLogFormat(
  stream: { isTTY?: boolean } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): LogFormat {
  const given = env.EVOSCALE_LOG_FORMAT;
  if (given !== undefined && given !== '') return parseLogFormat(given, 'EVOSCALE_LOG_FORMAT');
  return stream.isTTY === true ? 'pretty' : 'json';
}

function defaultLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const given = env.EVOSCALE_LOG_LEVEL;
  return given !== undefined && given !== '' ? parseLogLevel(given, 'EVOSCALE_LOG_LEVEL') : 'info';
}

function build(settings: LogSettings, bindings: Record<string, string>): Logger {
  const format = settings.format ?? defaultLogFormat();
  const destination = settings.destination ?? 2;
  const options: pino.LoggerOptions = {
    level: settings.level ?? defaultLogLevel(),
    // Level names, not pino's numbers: what Loki, Elasticsearch and people filter on.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { pid: process.pid },
  };
  const stream =
    format === 'json'
      ? pino.destination({ dest: destination, sync: true })
      : pretty({
          destination,
          sync: true,
          colorize: format === 'pretty' && typeof destination === 'number' && process.stderr.isTTY === true,
          translateTime: 'SYS:HH:MM:ss',
          // The run id leads the line rather than taking a line of its own under it.
          messageFormat: '{if runId}{runId} {end}{msg}',
          // Progress figures are in the message already; the fields are for log queries.
          ignore: 'pid,hostname,runId,workerId,trial,percent,etaSeconds,trialEtaSeconds,finished,trials',
        });
  return pino(options, stream).child(bindings);
}

let settings: LogSettings = {};
let bindings: Record<string, string> = {};
let root: Logger | undefined;

/** Sets the format, level or destination of every later line (the CLI does it once from its flags). */
export function configureLogging(next: LogSettings): void {
  settings = { ...settings, ...next };
  root = undefined;
}

/**
 * Tags every later line of this process with `runId` (and any other fields, e.g. a worker's `workerId`): the
 * coordinator's run, an experiment run, a sweep, a collection server.
 */
export function bindLogFields(fields: Record<string, string>): void {
  bindings = { ...bindings, ...fields };
  root = undefined;
}

/** The process's logger, with the fields bound so far. */
export function logger(): Logger {
  root ??= build(settings, bindings);
  return root;
}

/** A `(line, level)` callback onto `log` (default the process's logger), for layers that narrate in lines. */
export function lineLog(log?: Logger): LineLog {
  return (line, level = 'info') => (log ?? logger())[level](line);
}

/**
 * A run id for logs when the run has none of its own: `<kind>-<UTC time>-<6 hex>`, e.g.
 * `exp1-20260103T091500Z-3fa9c1` (EVOSCALE_RUN_ID, when set, wins so that a scheduler can choose it).
 */
export function newRunId(kind: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env.EVOSCALE_RUN_ID;
  if (given !== undefined && given !== '') return given;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}
