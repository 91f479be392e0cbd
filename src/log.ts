// Logging for humans first (one readable line per event); JSON lines as an option.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /** Defaults to process.stderr so stdout stays free for line protocol (`--output stdout`). */
  write?: (line: string) => void;
}

let rootOptions: LogOptions = { level: 'info', format: 'text' };

/** Reconfigures every logger created by `logger()` (they read the options at each call). */
export function configureLogging(options: LogOptions): void {
  rootOptions = options;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return String(value);
}

export function logger(component = 'cgflux'): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    const opts = rootOptions;
    if (ORDER[level] < ORDER[opts.level]) return;
    const time = new Date().toISOString();
    let line: string;
    if (opts.format === 'json') {
      const record: Record<string, unknown> = { time, level, component, msg };
      for (const [k, v] of Object.entries(fields ?? {})) record[k] = v instanceof Error ? v.message : v;
      line = JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    } else {
      const extra = Object.entries(fields ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(' ');
      line = `${time} ${level.toUpperCase().padEnd(5)} [${component}] ${msg}${extra ? ' ' + extra : ''}`;
    }
    (opts.write ?? ((l: string) => process.stderr.write(l + '\n')))(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (name) => logger(`${component}/${name}`),
  };
}
