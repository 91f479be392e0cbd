// Parser of cpuset lists (`cpuset.cpus`, `cpuset.effective_cpus`, v2 `cpuset.cpus.effective`):
// comma-separated CPU numbers and inclusive ranges, e.g. `0-3,8,10-11`.

const MAX_CPU = 1 << 20;

function parseIndex(text: string, start: number, end: number): number | undefined {
  if (end <= start || end - start > 7) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Number of CPUs in the list; undefined when empty or malformed (a range upside down, a stray character). */
export function countCpuList(text: string): number | undefined {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 32)) end--;
  if (end === 0) return undefined;
  let count = 0;
  let start = 0;
  while (start < end) {
    let comma = text.indexOf(',', start);
    if (comma < 0 || comma > end) comma = end;
    const dash = text.indexOf('-', start);
    if (dash >= 0 && dash < comma) {
      const from = parseIndex(text, start, dash);
      const to = parseIndex(text, dash + 1, comma);
      if (from === undefined || to === undefined || to < from || to > MAX_CPU) return undefined;
      count += to - from + 1;
    } else {
      if (parseIndex(text, start, comma) === undefined) return undefined;
      count++;
    }
    start = comma + 1;
    if (start === end) return undefined; // trailing comma: the list was cut short
  }
  return count;
}
