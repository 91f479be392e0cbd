// A Logger that keeps what it was told, for assertions on what an operator would read.
import type { Logger } from '../../src/log.js';

export interface CapturedLog extends Logger {
  lines: { level: string; msg: string; fields?: Record<string, unknown> }[];
  count(level: string, fragment: string): number;
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const log: CapturedLog = {
    lines,
    debug: (msg, fields) => void lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void lines.push({ level: 'error', msg, fields }),
    child: () => log,
    count: (level, fragment) => lines.filter((l) => l.level === level && l.msg.includes(fragment)).length,
  };
  return log;
}
