// The only per-output part of a line: its timestamp. The encoder builds `measurement,tags fields`
// once per tick; each output appends ` <timestamp>` in its own precision.
import type { Precision } from '../config/schema.js';

/** Integer timestamp text of `timeMs` (ms since the epoch) in `precision`. */
export function formatTimestamp(timeMs: number, precision: Precision): string {
  const ms = Math.floor(timeMs);
  switch (precision) {
    case 's':
      return String(Math.floor(ms / 1000));
    case 'ms':
      return String(ms);
    // us and ns exceed 2^53: append zeros to the ms digits instead of multiplying.
    case 'us':
      return ms === 0 ? '0' : `${ms}000`;
    case 'ns':
      return ms === 0 ? '0' : `${ms}000000`;
  }
}

/** What follows a body to make it a line: ` <timestamp>` (ASCII: its length is its size in bytes). */
export function timestampSuffix(timeMs: number, precision: Precision): string {
  return ' ' + formatTimestamp(timeMs, precision);
}

/** Complete lines: every body followed by ` <timestamp>`. */
export function withTimestamp(bodies: readonly string[], timeMs: number, precision: Precision): string[] {
  const suffix = timestampSuffix(timeMs, precision);
  const out = new Array<string>(bodies.length);
  for (let i = 0; i < bodies.length; i++) out[i] = bodies[i] + suffix;
  return out;
}
