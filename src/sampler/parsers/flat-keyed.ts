// Parser of the kernel's "flat keyed" files: one `key value` pair per line, value an unsigned
// decimal (cgroup v1 memory.stat, cpuacct.stat, cpu.stat; v2 cpu.stat, memory.stat,
// memory.events). Only the keys the caller asks for are kept; the others (new kernels add keys all
// the time; v1 memory.stat has ~70 lines of which 10 are read) are skipped without allocating:
// a line's key is compared in place with the wanted keys of the same length.
import { parseDecimal } from './decimal.js';

export interface FlatKeyed<K extends string> {
  values: Partial<Record<K, bigint>>;
  /** Lines of a wanted key whose value is missing or not an unsigned decimal. */
  malformed: number;
}

/** The keys to keep, indexed by length; built once per collector (not per tick). */
export interface WantedKeys<K extends string> {
  readonly byLength: ReadonlyArray<readonly K[] | undefined>;
}

export function wantedKeys<K extends string>(keys: readonly K[]): WantedKeys<K> {
  const byLength: K[][] = [];
  for (const key of new Set(keys)) (byLength[key.length] ??= []).push(key);
  return { byLength };
}

/** The wanted key spelled at text[start, start+length), if any. */
function matchKey<K extends string>(text: string, start: number, length: number, wanted: WantedKeys<K>): K | undefined {
  const candidates = wanted.byLength[length];
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) if (text.startsWith(candidates[i], start)) return candidates[i];
  return undefined;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Parses `key value` lines. A key that appears twice keeps its first value. Trailing blanks and a
 * missing final newline (a file cut short) are accepted; a wanted key with a bad or missing value is
 * skipped and counted in `malformed`.
 */
export function parseFlatKeyed<K extends string>(text: string, wanted: WantedKeys<K>): FlatKeyed<K> {
  const values: Partial<Record<K, bigint>> = {};
  let malformed = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = length;
    let keyEnd = start;
    while (keyEnd < end && !isBlank(text.charCodeAt(keyEnd))) keyEnd++;
    const key = keyEnd > start ? matchKey(text, start, keyEnd - start, wanted) : undefined;
    if (key !== undefined && values[key] === undefined) {
      let valueStart = keyEnd;
      while (valueStart < end && isBlank(text.charCodeAt(valueStart))) valueStart++;
      let valueEnd = end;
      while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
      const value = parseDecimal(text, valueStart, valueEnd);
      if (value === undefined) malformed++;
      else values[key] = value;
    }
    start = end + 1;
  }
  return { values, malformed };
}
