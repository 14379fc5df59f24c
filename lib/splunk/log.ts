/**
 * Logging for splunkd: level-prefixed lines on stderr (splunkd files them in splunkd.log under
 * the right level) and JSON lines in $SPLUNK_HOME/var/log/splunk/eventgen.log. Kept apart from
 * modinput.ts so that the worker threads, which encode modular-input XML, do not load pino.
 */
import { join } from 'node:path';
import pino from 'pino';
import { parseVerbosity } from './modinput';

const LEVEL_TOKENS: Record<number, string> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields whose values are secrets; pino `redact` paths cover them at the top and two levels down. */
const SECRET_FIELDS = ['sessionKey', 'session_key', 'key', 'token', 'password', 'Authorization', 'authorization'];
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'httpeventServers.servers[*].key',
  '*.httpeventServers.servers[*].key',
  '*.servers[*].key',
];

/**
 * Turns one pino JSON line into the line splunkd files under the right level:
 * `INFO <msg> {"other":"fields"}`. splunkd splits stderr on newlines, so newlines in the message
 * are written as `\n` (the JSON part escapes its own). `time` is dropped: splunkd stamps the line.
 */
export function formatSplunkLogLine(jsonLine: string): string {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return `ERROR ${jsonLine.replace(/\r?\n/g, '\\n')}\n`;
  }
  const { level, msg, time: _time, ...rest } = obj;
  const token = LEVEL_TOKENS[typeof level === 'number' ? level : 50] ?? (typeof level === 'number' && level > 60 ? 'FATAL' : 'ERROR');
  const text = typeof msg === 'string' ? msg.replace(/\r\n|\r|\n/g, '\\n') : '';
  const json = Object.keys(rest).length > 0 ? JSON.stringify(rest) : '';
  return `${token}${text ? ' ' + text : ''}${json ? ' ' + json : ''}\n`;
}

export interface SplunkLoggerOptions {
  /** pino level name (`trace`…`fatal`) or a `verbosity` value; default `info`. */
  level?: string;
  /** Where level-prefixed lines go; default process.stderr; `false` for none. */
  stderr?: { write(chunk: string): unknown } | false;
  /** `$SPLUNK_HOME`; when set, JSON lines also go to `$SPLUNK_HOME/var/log/splunk/eventgen.log`. */
  splunkHome?: string;
  /** Explicit JSON log file instead of the one under `splunkHome`; `false` disables it. */
  logFile?: string | false;
  /** Fields on every line, e.g. `{ stanza: 'eventgen://default' }`. */
  bindings?: Record<string, unknown>;
}

/**
 * A pino logger for a modular input. It never writes to stdout (the event stream). The file is
 * opened synchronously (`sync: true`): logging here is sparse, and sync writes keep the last lines
 * before a crash or process.exit, and avoid sonic-boom's "not ready yet" on an early flush.
 */
export function createSplunkLogger(opts: SplunkLoggerOptions = {}): pino.Logger {
  const level = opts.level === undefined ? 'info' : (pino.levels.values[opts.level] !== undefined ? opts.level : parseVerbosity(opts.level) ?? 'info');
  const streams: pino.StreamEntry[] = [];
  const stderr = opts.stderr === undefined ? process.stderr : opts.stderr;
  if (stderr) {
    streams.push({ level: level as pino.Level, stream: { write: (line: string) => stderr.write(formatSplunkLogLine(line)) } });
  }
  const file = opts.logFile === false ? undefined
    : opts.logFile ?? (opts.splunkHome ? join(opts.splunkHome, 'var', 'log', 'splunk', 'eventgen.log') : undefined);
  if (file) {
    streams.push({ level: level as pino.Level, stream: pino.destination({ dest: file, sync: true, mkdir: true }) });
  }
  return pino(
    {
      level,
      base: opts.bindings ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    // An empty multistream still swallows everything, so no configuration can fall back to stdout.
    pino.multistream(streams),
  );
}
