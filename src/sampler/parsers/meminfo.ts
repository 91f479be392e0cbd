// Parser of /proc/meminfo: `Name:   123456 kB` lines (kB means KiB), a few without a unit
// (HugePages_Total). Only the wanted names are kept, converted to bytes.
import { parseU64 } from './u64.js';

export interface Meminfo<K extends string> {
  /** Bytes (or the raw number for unit-less lines). */
  values: Partial<Record<K, bigint>>;
  malformed: number;
}

export function parseMeminfo<K extends string>(text: string, wanted: ReadonlySet<K>): Meminfo<K> {
  const values: Partial<Record<K, bigint>> = {};
  let malformed = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const name = text.slice(start, colon) as K;
      if (wanted.has(name) && values[name] === undefined) {
        const value = parseAmount(text, colon + 1, end);
        if (value === undefined) malformed++;
        else values[name] = value;
      }
    }
    start = end + 1;
  }
  return { values, malformed };
}

function parseAmount(text: string, start: number, end: number): bigint | undefined {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 13)) end--;
  let kib = false;
  if (end - start > 3 && text.startsWith(' kB', end - 3)) {
    kib = true;
    end -= 3;
  }
  const value = parseU64(text, start, end);
  if (value === undefined) return undefined;
  return kib ? value * 1024n : value;
}
