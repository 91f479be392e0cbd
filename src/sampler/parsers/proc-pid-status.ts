// What the processes collector takes from /proc/<pid>/status (proc(5)) beyond /proc/<pid>/stat:
// the resident size in bytes (VmRSS, kB) — stat counts pages of a size Node cannot ask for.
// Context switches come from parseTaskStatus (one task's counters).
import { parseU64 } from './u64.js';

/** VmRSS in bytes; undefined for kernel threads and zombies (no VmRSS line) or a malformed value. */
export function parseVmRssBytes(text: string): bigint | undefined {
  const at = text.indexOf('\nVmRSS:');
  if (at < 0) return undefined;
  let i = at + 7;
  while (text.charCodeAt(i) === 9 || text.charCodeAt(i) === 32) i++;
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  if (!text.startsWith(' kB', j)) return undefined;
  const kb = parseU64(text, i, j);
  return kb === undefined ? undefined : kb * 1024n;
}
