// Parser of pressure stall information (`cpu.pressure`, `memory.pressure`, `io.pressure`,
// Documentation/accounting/psi.rst):
//   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
//   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
// `cpu.pressure` has no `full` line before Linux 5.13. avg* are percentages, total is µs.
// Read in place (no token strings): this runs three times per container per tick.
import { parseDecimal } from './decimal.js';

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalUs: bigint;
}

export interface Psi {
  some?: PsiLine;
  full?: PsiLine;
  /** Lines that are neither a complete `some` nor `full` line. */
  malformed: number;
}

/** End of the blank-free token starting at `i`. */
function tokenEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) break;
    i++;
  }
  return i;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) break;
    i++;
  }
  return i;
}

/** `12.50` → 12.5: digits with at most one dot; NaN when anything else. */
function parsePercent(text: string, start: number, end: number): number {
  if (end <= start) return NaN;
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let dot = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && !dot) dot = true;
    else if (c >= 48 && c <= 57) {
      if (dot) {
        fraction = fraction * 10 + (c - 48);
        scale *= 10;
      } else whole = whole * 10 + (c - 48);
    } else return NaN;
  }
  return whole + fraction / scale;
}

const AVG10 = 'avg10=';
const AVG60 = 'avg60=';
const AVG300 = 'avg300=';
const TOTAL = 'total=';

/** Parses the fields after `some`/`full` (from `i`); undefined unless all four are there, in order. */
function parseLine(text: string, i: number, end: number): PsiLine | undefined {
  i = skipBlanks(text, i, end);
  if (!text.startsWith(AVG10, i)) return undefined;
  let e = tokenEnd(text, i, end);
  const avg10 = parsePercent(text, i + AVG10.length, e);
  i = skipBlanks(text, e, end);
  if (!text.startsWith(AVG60, i)) return undefined;
  e = tokenEnd(text, i, end);
  const avg60 = parsePercent(text, i + AVG60.length, e);
  i = skipBlanks(text, e, end);
  if (!text.startsWith(AVG300, i)) return undefined;
  e = tokenEnd(text, i, end);
  const avg300 = parsePercent(text, i + AVG300.length, e);
  i = skipBlanks(text, e, end);
  if (!text.startsWith(TOTAL, i)) return undefined;
  e = tokenEnd(text, i, end);
  let totalEnd = e;
  while (totalEnd > i && text.charCodeAt(totalEnd - 1) === 13) totalEnd--;
  const totalUs = parseDecimal(text, i + TOTAL.length, totalEnd);
  if (Number.isNaN(avg10) || Number.isNaN(avg60) || Number.isNaN(avg300) || totalUs === undefined) return undefined;
  return { avg10, avg60, avg300, totalUs };
}

export function parsePsi(text: string): Psi {
  const result: Psi = { malformed: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const first = skipBlanks(text, start, end);
    if (first < end) {
      const some = text.startsWith('some ', first);
      const full = !some && text.startsWith('full ', first);
      const line = some || full ? parseLine(text, first + 5, end) : undefined;
      if (!line) result.malformed++;
      else if (some) result.some ??= line;
      else result.full ??= line;
    }
    start = end + 1;
  }
  return result;
}
