// Parser of the cgroup pid lists: `cgroup.procs`, v1 `tasks`, v2 `cgroup.threads` — one decimal
// id per line. v2 writes 0 for a task outside the reader's pid namespace (v1 leaves it out):
// such a task has no id to read it by, so a 0 is skipped, not counted as malformed.

/** Fills `out` (cleared first) with the ids; returns the number of lines that were not an id. */
export function parsePidList(text: string, out: number[]): number {
  out.length = 0;
  let malformed = 0;
  let value = 0;
  let digits = 0;
  let junk = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c === 10) {
      if (digits > 0 && !junk && digits <= 10) {
        if (value > 0) out.push(value);
      }
      else if (digits > 0 || junk) malformed++;
      value = 0;
      digits = 0;
      junk = false;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else junk = true;
  }
  return malformed;
}
