// Parsers of one-value cgroup files: counters (`memory.current`, `pids.current`), limits that may
// say "no limit" (`memory.max`/`pids.max` = `max`, v1 `cpu.cfs_quota_us` = `-1`, v1
// `memory.limit_in_bytes` = a huge page-rounded value) and space-separated counter lists
// (`cpuacct.usage_percpu`).
import { parseDecimal } from './decimal.js';

/** What a limit file said: a number, or that there is no limit. */
export type Limit = { unlimited: false; value: bigint } | { unlimited: true };

export const UNLIMITED: Limit = Object.freeze({ unlimited: true });

/**
 * v1 writes "no limit" as the largest page-aligned counter (9223372036854771712 with 4 KiB pages,
 * 9223372036854710272 with 64 KiB pages). No machine has 2^62 bytes (4 EiB) of memory, so any
 * value from there up is taken as "no limit", whatever the page size.
 */
export const V1_UNLIMITED_FROM = 1n << 62n;

/** Index of the first non-blank character. */
function trimStart(text: string): number {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  return start;
}

/** Index after the last non-blank character at or after `start`. */
function trimEnd(text: string, start: number): number {
  let end = text.length;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** One unsigned decimal (`123\n`); undefined when empty or anything else. */
export function parseSingleU64(text: string): bigint | undefined {
  const start = trimStart(text);
  return parseDecimal(text, start, trimEnd(text, start));
}

/**
 * A limit: `max` (v2) or `-1` (v1 quotas) means no limit; a value at or above `unlimitedFrom`
 * (v1 memory) too. Undefined when the file holds anything else.
 */
export function parseLimit(text: string, unlimitedFrom?: bigint): Limit | undefined {
  const start = trimStart(text);
  const end = trimEnd(text, start);
  if (end - start === 3 && text.startsWith('max', start)) return UNLIMITED;
  if (end - start === 2 && text.startsWith('-1', start)) return UNLIMITED;
  const value = parseDecimal(text, start, end);
  if (value === undefined) return undefined;
  if (unlimitedFrom !== undefined && value >= unlimitedFrom) return UNLIMITED;
  return { unlimited: false, value };
}

/**
 * Space-separated unsigned decimals on one line (`cpuacct.usage_percpu`: one ns counter per
 * possible CPU). Undefined when empty or when any item is not a number.
 */
export function parseU64List(text: string): bigint[] | undefined {
  const start = trimStart(text);
  const end = trimEnd(text, start);
  if (start === end) return undefined;
  const values: bigint[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const from = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const value = parseDecimal(text, from, i);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}
