// Public surface of the encoder.
import type { Precision } from '../config/schema.js';
import type { Sample } from '../model.js';
import type { LineEncoder } from './line-encoder.js';
import { withTimestamp } from './timestamp.js';

export { LineEncoder, type EncoderOptions } from './line-encoder.js';
export { formatTimestamp, withTimestamp } from './timestamp.js';
export { splitLines } from './split-lines.js';
export { escapeMeasurement, escapeTag, encodeFieldValue } from './escape.js';
export { encodeWithPoints } from './point-baseline.js';

/**
 * Complete lines of one tick for one precision: what the benchmark times against
 * `encodeWithPoints` (Point#toLineProtocol). In the daemon the bodies are encoded once and each
 * output appends its own timestamp (withTimestamp).
 */
export function encodeLines(encoder: LineEncoder, samples: readonly Sample[], timeMs: number, precision: Precision): string[] {
  return withTimestamp(encoder.encode(samples), timeMs, precision);
}
