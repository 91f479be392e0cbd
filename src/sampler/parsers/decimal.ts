// Unsigned decimals read in place: no substring for values below 10^15 (nearly all counters),
// which are accumulated in a double (exact up to 2^53) and then made a bigint. Longer values go
// through parseU64 (exact at any size).
import { parseU64 } from './u64.js';

export function parseDecimal(text: string, start: number, end: number): bigint | undefined {
  const digits = end - start;
  if (digits <= 0) return undefined;
  if (digits > 15) return parseU64(text, start, end);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return BigInt(n);
}
