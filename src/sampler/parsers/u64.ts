// Small scanning helpers shared by the kernel-file parsers: exact unsigned decimals (the kernel's
// u64 counters, which can exceed 2^53 and even 2^63) and whitespace splitting without regexes.

/** Parses `text[start, end)` as an unsigned decimal; undefined unless it is 1+ ASCII digits. */
export function parseU64(text: string, start = 0, end = text.length): bigint | undefined {
  if (end <= start) return undefined;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  // Up to 15 digits fit a double exactly; BigInt(number) is cheaper than BigInt(string).
  if (end - start <= 15) return BigInt(start === 0 && end === text.length ? +text : +text.slice(start, end));
  return BigInt(text.slice(start, end));
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Splits `text[start, end)` on runs of spaces and tabs into `out` (cleared first); returns `out`. */
export function splitBlank(text: string, start: number, end: number, out: string[]): string[] {
  out.length = 0;
  let i = start;
  while (i < end) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const from = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    out.push(text.slice(from, i));
  }
  return out;
}

/** True for `major:minor` with both parts decimal (block device numbers). */
export function isMajMin(token: string): boolean {
  const colon = token.indexOf(':');
  if (colon <= 0 || colon === token.length - 1) return false;
  for (let i = 0; i < token.length; i++) {
    if (i === colon) continue;
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
