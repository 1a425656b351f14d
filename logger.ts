/**
 * The one logger. It prints one JSON line per event and never prints PHI: callers
 * pass ids, codes and stages only, and fields whose names suggest personal data are
 * dropped here as a second line of defence.
 */

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names that would carry PHI if a caller slipped; their values are never printed. */
const phiFieldPattern = /name|birth|dob|member|address|phone|ssn|signed|signer|zip/i;
/**
 * Names that match the pattern but name code, not people: an error's class (`errorName`,
 * which every caller logs instead of the message) and Temporal's `namespace`.
 */
const notPhiFieldPattern = /^(namespace|errorName|(error|class|type|activity|workflow|table|column|constraint|field|host)Name)$/i;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(
  level: Level = 'info',
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const emit = (at: Level, message: string, fields: LogFields = {}) => {
    if (order[at] < order[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...scrub({ ...base, ...fields }) }));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

function scrub(fields: LogFields): LogFields {
  const safe: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (phiFieldPattern.test(key) && !notPhiFieldPattern.test(key)) {
      safe[key] = '[redacted]';
    } else if (value instanceof Error) {
      safe[key] = describeError(value);
    } else {
      safe[key] = value;
    }
  }
  return safe;
}

/**
 * An error as a log line may show it. Only an ApplicationFailure keeps its message: ours
 * are PHI-free by construction (activities/failures.ts maps every activity error to one),
 * while any other error's message may quote a query's parameters or a file's text.
 */
function describeError(error: Error): LogFields {
  const { type, code } = error as { type?: unknown; code?: unknown };
  if (error.name === 'ApplicationFailure') return { name: error.name, ...(typeof type === 'string' ? { type } : {}), message: error.message };
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}), message: '[withheld]' };
}

/** The Temporal SDK's log levels, as its Logger interface names them. */
type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Our logger in the shape the Temporal SDK's Runtime wants (`Runtime.install({ logger })`),
 * so the worker's own lines ("Activity failed" with its error, core's warnings) get the
 * same redaction as ours. The SDK's INFO is start-up chatter: it prints at our debug.
 */
export function sdkLogger(logger: Logger) {
  const levels: Record<SdkLevel, Level> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'debug', WARN: 'warn', ERROR: 'error' };
  const log = (level: SdkLevel, message: string, meta?: LogFields) => logger[levels[level] ?? 'info'](message, meta);
  return {
    log,
    trace: (message: string, meta?: LogFields) => log('TRACE', message, meta),
    debug: (message: string, meta?: LogFields) => log('DEBUG', message, meta),
    info: (message: string, meta?: LogFields) => log('INFO', message, meta),
    warn: (message: string, meta?: LogFields) => log('WARN', message, meta),
    error: (message: string, meta?: LogFields) => log('ERROR', message, meta),
  };
}
