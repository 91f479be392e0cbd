// Parser of the kernel's "flat keyed" files: one `key value` pair per line, value an unsigned
// decimal (cgroup v1 memory.stat, cpuacct.stat, cpu.stat; v2 cpu.stat, memory.stat,
// memory.events). Only the keys the caller asks for are kept; the others (new kernels add keys all
// the time; v1 memory.stat has ~40-70 lines of which 10 are read) are never looked at: each wanted
// key is found with indexOf("\n" + key) (native, ~3× faster than walking every line's key), then
// checked to be a whole key, and its value is read in place.
import { parseDecimal } from './decimal.js';

export interface FlatKeyed<K extends string> {
  values: Partial<Record<K, bigint>>;
  /** Lines of a wanted key whose value is missing or not an unsigned decimal. */
  malformed: number;
}

/** The keys to keep, with their line-start search strings; built once per collector (not per tick). */
export interface WantedKeys<K extends string> {
  readonly keys: readonly K[];
  /** `"\n" + key`, same order as `keys`. */
  readonly needles: readonly string[];
}

export function wantedKeys<K extends string>(keys: readonly K[]): WantedKeys<K> {
  const unique = [...new Set(keys)].filter((k) => k.length > 0);
  return { keys: unique, needles: unique.map((k) => `\n${k}`) };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Index of the next line that starts with `key` (position of the key), from `from`; -1 when none. */
function nextLineStart(text: string, key: string, needle: string, from: number): number {
  if (from === 0 && text.startsWith(key)) return 0;
  const at = text.indexOf(needle, from === 0 ? 0 : from - 1);
  return at < 0 ? -1 : at + 1;
}

/**
 * Parses `key value` lines. A key that appears twice keeps its first good value. Trailing blanks
 * and a missing final newline (a file cut short) are accepted; a wanted key with a bad or missing
 * value is skipped and counted in `malformed`.
 */
export function parseFlatKeyed<K extends string>(text: string, wanted: WantedKeys<K>): FlatKeyed<K> {
  const values: Partial<Record<K, bigint>> = {};
  let malformed = 0;
  const length = text.length;
  const keys = wanted.keys;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const needle = wanted.needles[k];
    let from = 0;
    for (;;) {
      const at = nextLineStart(text, key, needle, from);
      if (at < 0) break;
      const keyEnd = at + key.length;
      from = keyEnd;
      // A whole key: followed by a blank, the end of the line or of the text (`total_rss_huge` is not `total_rss`).
      if (keyEnd < length) {
        const c = text.charCodeAt(keyEnd);
        if (c !== 10 && !isBlank(c)) continue;
      }
      let end = text.indexOf('\n', keyEnd);
      if (end < 0) end = length;
      let valueStart = keyEnd;
      while (valueStart < end && isBlank(text.charCodeAt(valueStart))) valueStart++;
      let valueEnd = end;
      while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
      const value = parseDecimal(text, valueStart, valueEnd);
      if (value === undefined) {
        malformed++;
        continue;
      }
      values[key] = value;
      break;
    }
  }
  return { values, malformed };
}
