// Parser of the kernel's "flat keyed" files: one `key value` pair per line, value an unsigned
// decimal (cgroup v1 memory.stat, cpuacct.stat, cpu.stat; v2 cpu.stat, memory.stat,
// memory.events). Only the keys the caller asks for are kept; others (new kernels add keys all
// the time) are ignored without being converted.
import { parseU64 } from './u64.js';

export interface FlatKeyed<K extends string> {
  values: Partial<Record<K, bigint>>;
  /** Lines of a wanted key whose value is missing or not an unsigned decimal. */
  malformed: number;
}

/** The set of keys to keep, built once per collector (not per tick). */
export type WantedKeys<K extends string> = ReadonlySet<K>;

export function wantedKeys<K extends string>(keys: readonly K[]): WantedKeys<K> {
  return new Set(keys);
}

/**
 * Parses `key value` lines. A key that appears twice keeps its first value. Trailing spaces and a
 * missing final newline (a file cut short) are accepted; a wanted key with a bad value is skipped
 * and counted in `malformed`.
 */
export function parseFlatKeyed<K extends string>(text: string, wanted: WantedKeys<K>): FlatKeyed<K> {
  const values: Partial<Record<K, bigint>> = {};
  let malformed = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      const key = text.slice(start, space) as K;
      if (wanted.has(key) && values[key] === undefined) {
        let valueEnd = end;
        while (valueEnd > space + 1 && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
        let valueStart = space + 1;
        while (valueStart < valueEnd && text.charCodeAt(valueStart) === 32) valueStart++;
        const value = parseU64(text, valueStart, valueEnd);
        if (value === undefined) malformed++;
        else values[key] = value;
      }
    } else if (end > start) {
      // A lone word: a wanted key cut before its value counts as malformed.
      const word = trimEnd(text, start, end);
      if (wanted.has(word as K)) malformed++;
    }
    start = end + 1;
  }
  return { values, malformed };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function trimEnd(text: string, start: number, end: number): string {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}
