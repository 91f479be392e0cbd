// Line-protocol escaping. The influx client's helpers do the standard work; on top of them a
// backslash that would swallow the escape after it (`\` right before `,` `=` space or a control
// character) is doubled, and trailing backslashes are dropped: InfluxDB 1.x rejects any tag value
// ending in `\` however it is escaped (checked against 1.6.7), so `C:\dir\` is written `C:\dir`.
// The client's Point does neither and emits lines the server rejects for such values.
import { escape } from '@influxdata/influxdb-client';
import type { FieldValue } from '../model.js';

const BACKSLASH = 92;

/**
 * Drops trailing backslashes and doubles every run of backslashes that precedes a character the
 * client escapes: the escape stays intact for every parser (they consume `\x` pairs left to
 * right) and InfluxDB 2.x/VictoriaMetrics, which read `\\` as `\`, get the exact value back.
 */
function guardBackslashes(raw: string, special: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === BACKSLASH) end--;
  if (end < raw.length) raw = raw.slice(0, end);
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    let runEnd = i;
    while (raw.charCodeAt(runEnd) === BACKSLASH) runEnd++;
    if (special.includes(raw[runEnd])) {
      out += raw.slice(from, runEnd) + raw.slice(i, runEnd);
      from = runEnd;
    }
    i = runEnd - 1;
  }
  return from === 0 ? raw : out + raw.slice(from);
}

/** Measurement name: `,` space and control whitespace escaped. */
export function escapeMeasurement(name: string): string {
  return escape.measurement(guardBackslashes(name, ', \n\r\t'));
}

/** Tag key, tag value or field key: `,` `=` space and control whitespace escaped. */
export function escapeTag(value: string): string {
  return escape.tag(guardBackslashes(value, ', =\n\r\t'));
}

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * The line-protocol text of one field value, or undefined when the value cannot be written
 * (NaN and ±Infinity: InfluxDB has no representation for them).
 */
export function encodeFieldValue(value: FieldValue): string | undefined {
  switch (typeof value) {
    case 'bigint': {
      const clamped = value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
      return `${clamped}i`;
    }
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'string':
      return escape.quoted(value);
    case 'boolean':
      return value ? 'T' : 'F';
    default:
      return undefined;
  }
}
