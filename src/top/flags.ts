// `cgflux top`'s own flags, checked before anything starts: a bad value is one clear line.
import { parseDuration } from '../config/units.js';
import { SORT_KEYS } from './sort.js';

export interface TopFlags {
  intervalMs: number;
  gapMs: number;
  noStream: boolean;
  sortId: string;
  filter: string;
}

export interface RawTopFlags {
  interval?: unknown;
  gap?: unknown;
  sort?: unknown;
  filter?: unknown;
  noStream?: unknown;
}

export function parseTopFlags(raw: RawTopFlags): TopFlags | { error: string } {
  const duration = (name: string, value: unknown, fallback: number, min: number, max: number): number | string => {
    if (value === undefined) return fallback;
    const ms = parseDuration(String(value));
    if (ms === null || ms < min || ms > max) return `flag --${name}: expected a duration from ${min}ms to ${max / 1000}s like 1s or 500ms, got "${String(value)}"`;
    return ms;
  };
  const intervalMs = duration('interval', raw.interval, 1000, 100, 3_600_000);
  if (typeof intervalMs === 'string') return { error: intervalMs };
  const gapMs = duration('gap', raw.gap, 1000, 100, 60_000);
  if (typeof gapMs === 'string') return { error: gapMs };
  const sortId = raw.sort === undefined ? 'cpu' : String(raw.sort);
  if (!SORT_KEYS.some((k) => k.id === sortId)) return { error: `flag --sort: expected one of ${SORT_KEYS.map((k) => k.id).join(', ')}, got "${sortId}"` };
  return { intervalMs, gapMs, noStream: raw.noStream === true, sortId, filter: raw.filter === undefined ? '' : String(raw.filter) };
}
