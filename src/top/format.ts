// Human units for the `cgflux top` cells, short enough for fixed-width columns. An absent value
// is "-", never 0: a value cgflux could not read is not a value of zero.
import { binaryScale } from '../binary-units.js';

export function formatBytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value) || value < 0) return '-';
  const { value: v, unit } = binaryScale(value);
  if (unit === 'B') return `${Math.round(v)}B`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${unit}`;
}

export function formatByteRate(value: number | undefined): string {
  const bytes = formatBytes(value);
  return bytes === '-' ? bytes : `${bytes}/s`;
}

export function formatPercent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return `${value.toFixed(value >= 1000 ? 0 : value >= 100 ? 1 : 2)}%`;
}

/** Counts per second: 0, 12, 3.4k, 1.2M. */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value) || value < 0) return '-';
  if (value < 1000) return value < 10 && !Number.isInteger(value) ? value.toFixed(1) : String(Math.round(value));
  const units = ['k', 'M', 'G', 'T'];
  let v = value;
  let unit = -1;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${units[unit]}`;
}

/** `usage / limit`, the limit left out when there is none. */
export function formatMemory(usage: number | undefined, limit: number | undefined): string {
  const u = formatBytes(usage);
  return limit === undefined ? u : `${u} / ${formatBytes(limit)}`;
}

/** Cuts `text` to `width` terminal cells (ASCII-safe: other characters count as one cell each). */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
}

export function padCell(text: string, width: number, align: 'left' | 'right'): string {
  const t = clip(text, width);
  const pad = width - [...t].length;
  return align === 'left' ? t + ' '.repeat(pad) : ' '.repeat(pad) + t;
}

/** Control characters (a process may name itself anything) would move the cursor: shown as "?". */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
}
