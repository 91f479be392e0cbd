// Sort orders of `cgflux top`, each bound to a key. Numbers sort largest first, names A→Z; a
// container whose value is absent sorts after those that have one; equal values fall back to the
// name so that rows do not jump between frames.
import type { TopRow } from './rates.js';

export interface SortKey {
  id: string;
  /** The key that selects it in the live view. */
  key: string;
  title: string;
  value(row: TopRow): number | undefined;
}

const add = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

export const SORT_KEYS: readonly SortKey[] = [
  { id: 'cpu', key: 'c', title: 'CPU', value: (r) => r.cpuPercent },
  { id: 'mem', key: 'm', title: 'memory', value: (r) => r.memUsage },
  { id: 'name', key: 'n', title: 'name', value: () => undefined },
  { id: 'net', key: 'i', title: 'network rx+tx', value: (r) => add(r.netRxPerS, r.netTxPerS) },
  { id: 'blk', key: 'b', title: 'block read+write', value: (r) => add(r.blkReadPerS, r.blkWritePerS) },
  { id: 'ctx', key: 'x', title: 'context switches/s', value: (r) => r.ctxPerS },
  { id: 'faults', key: 'f', title: 'page faults/s', value: (r) => r.faultsPerS },
  { id: 'pids', key: 'p', title: 'pids', value: (r) => r.pids },
];

export function sortKeyById(id: string): SortKey | undefined {
  return SORT_KEYS.find((k) => k.id === id);
}

// Names in natural order: web-2 before web-10, as a person reads them.
const names = new Intl.Collator('en', { numeric: true });

export function sortRows(rows: readonly TopRow[], key: SortKey, reverse = false): TopRow[] {
  const byName = (a: TopRow, b: TopRow): number => names.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const compare = (a: TopRow, b: TopRow): number => {
    if (key.id === 'name') return reverse ? -byName(a, b) : byName(a, b);
    const x = key.value(a);
    const y = key.value(b);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
      return byName(a, b);
    }
    if (x !== y) return reverse ? x - y : y - x;
    return byName(a, b);
  };
  return [...rows].sort(compare);
}
