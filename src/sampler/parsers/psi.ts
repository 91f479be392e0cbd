// Parser of pressure stall information (`cpu.pressure`, `memory.pressure`, `io.pressure`,
// Documentation/accounting/psi.rst):
//   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
//   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
// `cpu.pressure` has no `full` line before Linux 5.13. avg* are percentages, total is µs.
import { parseU64, splitBlank } from './u64.js';

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

const tokens: string[] = [];

function parseAvg(token: string, prefix: string): number | undefined {
  if (!token.startsWith(prefix)) return undefined;
  const text = token.slice(prefix.length);
  if (text.length === 0) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return undefined;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseLine(): PsiLine | undefined {
  if (tokens.length < 5) return undefined;
  const avg10 = parseAvg(tokens[1], 'avg10=');
  const avg60 = parseAvg(tokens[2], 'avg60=');
  const avg300 = parseAvg(tokens[3], 'avg300=');
  const total = tokens[4].startsWith('total=') ? parseU64(tokens[4], 6) : undefined;
  if (avg10 === undefined || avg60 === undefined || avg300 === undefined || total === undefined) return undefined;
  return { avg10, avg60, avg300, totalUs: total };
}

export function parsePsi(text: string): Psi {
  const result: Psi = { malformed: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    splitBlank(text, start, end, tokens);
    start = end + 1;
    if (tokens.length === 0) continue;
    const kind = tokens[0];
    const line = kind === 'some' || kind === 'full' ? parseLine() : undefined;
    if (!line) result.malformed++;
    else if (kind === 'some') result.some ??= line;
    else result.full ??= line;
  }
  return result;
}
