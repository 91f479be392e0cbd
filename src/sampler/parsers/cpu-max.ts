// Parser of cgroup v2 `cpu.max`: `$MAX $PERIOD` in µs, `max 100000` when there is no quota.
import { parseDecimal } from './decimal.js';

export interface CpuMax {
  /** µs of CPU time per period; undefined when `max` (no quota). */
  quotaUs?: bigint;
  periodUs: bigint;
}

export function parseCpuMax(text: string): CpuMax | undefined {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 32)) end--;
  const space = text.indexOf(' ');
  if (space <= 0 || space >= end) return undefined;
  const periodUs = parseDecimal(text, space + 1, end);
  if (periodUs === undefined || periodUs === 0n) return undefined;
  if (space === 3 && text.startsWith('max')) return { periodUs };
  const quotaUs = parseDecimal(text, 0, space);
  if (quotaUs === undefined) return undefined;
  return { quotaUs, periodUs };
}
