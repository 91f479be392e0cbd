// Public surface of the encoder.
export { LineEncoder, type EncoderOptions } from './line-encoder.js';
export { formatTimestamp, timestampSuffix, withTimestamp } from './timestamp.js';
export { splitLines } from './split-lines.js';
export { escapeMeasurement, escapeTag, encodeFieldValue } from './escape.js';
