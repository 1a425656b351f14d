/**
 * The one logger. It prints one JSON line per event and never prints PHI: callers
 * pass ids, codes and stages only, and fields whose names suggest personal data are
 * dropped here as a second line of defence.
 */

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names that would carry PHI if a caller slipped; their values are never printed. */
const phiFieldPattern = /name|birth|dob|member|address|phone|ssn|signed|signer|zip/i;

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
    if (phiFieldPattern.test(key)) {
      safe[key] = '[redacted]';
    } else if (value instanceof Error) {
      safe[key] = { name: value.name, message: value.message };
    } else {
      safe[key] = value;
    }
  }
  return safe;
}
