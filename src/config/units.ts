// Human durations (`500ms`, `10s`, `1m30s`, `1h`) and sizes (`512MiB`, `1GB`, `4096`), both ways.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const DURATION_HINT = 'a duration like 10s (units: ms, s, m, h)';

/** Milliseconds, or null when `text` is not a duration. Compound forms like `1m30s` are allowed. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return Number.isInteger(total) ? total : null;
}

/** The shortest exact form: 60000 → `1m`, 1500 → `1500ms`, 90000 → `90s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};
export const SIZE_HINT = 'a size like 512MiB or 1GB or a number of bytes (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)';

/** Bytes, or null when `text` is not a size. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return null;
  const unit = m[2]!.toLowerCase();
  const factor = unit === '' ? 1 : SIZE_UNITS[unit];
  if (factor === undefined) return null;
  const bytes = Number(m[1]) * factor;
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** The shortest exact form: 536870912 → `512MiB`, 1000000 → `1MB`, 1234 → `1234`. */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0';
  const units: [string, number][] = [['TiB', 2 ** 40], ['TB', 1e12], ['GiB', 2 ** 30], ['GB', 1e9], ['MiB', 2 ** 20], ['MB', 1e6], ['KiB', 2 ** 10], ['KB', 1e3]];
  for (const [unit, size] of units) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
