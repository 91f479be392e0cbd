// Per-second rates between two readings of the same container. A counter that went down (the
// container restarted, its cgroup was re-created) gives no rate for that interval rather than a
// negative or huge one; so does a change of how context switches are counted.
import type { Reading } from './reading.js';

/** The figures shown as read (gauges), then the counters turned into per-second rates. */
export interface TopRow extends Pick<Reading, 'id' | 'name' | 'labels' | 'cpuPercent' | 'cpuPercentOfLimit' | 'memUsage' | 'memLimit' | 'pids'> {
  netRxPerS?: number;
  netTxPerS?: number;
  blkReadPerS?: number;
  blkWritePerS?: number;
  ctxPerS?: number;
  faultsPerS?: number;
}

type CounterKey = 'netRxBytes' | 'netTxBytes' | 'blkReadBytes' | 'blkWriteBytes' | 'contextSwitches' | 'pageFaults';
const COUNTERS: readonly [CounterKey, keyof TopRow][] = [
  ['netRxBytes', 'netRxPerS'],
  ['netTxBytes', 'netTxPerS'],
  ['blkReadBytes', 'blkReadPerS'],
  ['blkWriteBytes', 'blkWritePerS'],
  ['contextSwitches', 'ctxPerS'],
  ['pageFaults', 'faultsPerS'],
];

export function rate(previous: number | undefined, current: number | undefined, seconds: number): number | undefined {
  if (previous === undefined || current === undefined || !(seconds > 0) || current < previous) return undefined;
  return (current - previous) / seconds;
}

/** Keeps the previous reading of each container; rows for containers no longer read are forgotten. */
export class RateTracker {
  private previous = new Map<string, { reading: Reading; atMs: number }>();

  /** `atMs` is a monotonic time in milliseconds. */
  update(readings: readonly Reading[], atMs: number): TopRow[] {
    const next = new Map<string, { reading: Reading; atMs: number }>();
    const rows: TopRow[] = [];
    for (const reading of readings) {
      const before = this.previous.get(reading.id);
      const seconds = before ? (atMs - before.atMs) / 1000 : 0;
      const row: TopRow = {
        id: reading.id,
        name: reading.name,
        labels: reading.labels,
        cpuPercent: reading.cpuPercent,
        cpuPercentOfLimit: reading.cpuPercentOfLimit,
        memUsage: reading.memUsage,
        memLimit: reading.memLimit,
        pids: reading.pids,
      };
      for (const [counter, field] of COUNTERS) {
        // The kernel counter took over from /proc (it loads after the first readings): a new baseline.
        if (counter === 'contextSwitches' && before && before.reading.switchesMethod !== reading.switchesMethod) continue;
        const value = rate(before?.reading[counter], reading[counter], seconds);
        if (value !== undefined) (row as unknown as Record<string, number>)[field] = value;
      }
      rows.push(row);
      next.set(reading.id, { reading, atMs });
    }
    this.previous = next;
    return rows;
  }
}
