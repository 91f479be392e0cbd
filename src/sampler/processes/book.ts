// The processes of every container as the last ticks saw them: a bounded ring per container for
// the REST API (`/api/v1/containers/<c>/processes`) and `cgflux ps`, and the latest snapshot for a
// live view. Bounded: `history` snapshots × the shipped union (≤ 2 × top) per container; a
// container that left is dropped.
//
// For other modules (the `top` view, the API): `book.latest(containerId)` = "processes of
// container X now"; `book.windows(containerId, …)` = CPU shares over a longer interval.
import { byCpu, byRss } from './select.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  /** One letter, as /proc/<pid>/stat has it (R, S, D, Z, T, I …). */
  state: string;
  threads: number;
  /** CPU time used over the interval, ns; undefined in the first tick a process is seen. */
  cpuDeltaNs?: number;
  /** Of one CPU over the interval (100 = one CPU busy). */
  cpuPercent?: number;
  /** Of the container's CPU limit, when it has one. */
  cpuLimitPercent?: number;
  /** Cumulative CPU time, ns. */
  userNs: number;
  systemNs: number;
  rssBytes: number;
  /** Of the container's memory limit, or of host memory when unlimited. */
  memPercent?: number;
  voluntarySwitches?: number;
  involuntarySwitches?: number;
  minorFaults: number;
  majorFaults: number;
  /** Only when collectors.processes.cmdline is on. */
  cmdline?: string;
  /** Ticks after boot it started: (pid, startTicks) is the process's identity. */
  startTicks: number;
}

export interface ProcessSnapshot {
  /** Wall clock of the reading, ms since the epoch. */
  atMs: number;
  /** Time since the previous reading of this container, ns; 0 on the first. */
  intervalNs: number;
  cpuLimit?: number;
  memoryLimitBytes?: number;
  /** What memPercent is taken of: the limit, or host memory. */
  memoryBasisBytes?: number;
  /** All of the container's processes this tick (the ranking saw them all). */
  total: number;
  /** The shipped union: top N by CPU, then by RSS. */
  processes: ProcessInfo[];
}

/** One API sample: CPU shares over `intervalNs` (one or several ticks summed). */
export interface ProcessWindow {
  atMs: number;
  intervalNs: number;
  processes: ProcessInfo[];
}

interface Ring {
  snaps: ProcessSnapshot[];
  /** Index the next snapshot goes to once the ring is full. */
  next: number;
}

export class ProcessBook {
  private readonly rings = new Map<string, Ring>();

  constructor(readonly history = 60) {}

  record(containerId: string, snap: ProcessSnapshot): void {
    let ring = this.rings.get(containerId);
    if (!ring) this.rings.set(containerId, (ring = { snaps: [], next: 0 }));
    if (ring.snaps.length < this.history) ring.snaps.push(snap);
    else {
      ring.snaps[ring.next] = snap;
      ring.next = (ring.next + 1) % this.history;
    }
  }

  forget(containerId: string): void {
    this.rings.delete(containerId);
  }

  has(containerId: string): boolean {
    return this.rings.has(containerId);
  }

  /** Processes of the container as the last tick read them; undefined when none was read. */
  latest(containerId: string): ProcessSnapshot | undefined {
    const ring = this.rings.get(containerId);
    if (!ring || ring.snaps.length === 0) return undefined;
    return ring.snaps[(ring.next + ring.snaps.length - 1) % ring.snaps.length];
  }

  /** Oldest first. */
  snapshots(containerId: string): ProcessSnapshot[] {
    const ring = this.rings.get(containerId);
    if (!ring) return [];
    return [...ring.snaps.slice(ring.next), ...ring.snaps.slice(0, ring.next)];
  }

  /**
   * The last `count` windows of at least `intervalNs` each (a window is whole ticks), newest
   * first. A process's CPU in a window is summed over the ticks it was among the shipped ones;
   * its other fields are from its latest tick in the window.
   */
  windows(containerId: string, opts: { intervalNs: number; count: number; sort: 'cpu' | 'mem'; limit: number }): ProcessWindow[] {
    const snaps = this.snapshots(containerId).filter((s) => s.intervalNs > 0);
    const out: ProcessWindow[] = [];
    let i = snaps.length - 1;
    while (i >= 0 && out.length < opts.count) {
      const newest = snaps[i];
      let span = 0;
      const merged = new Map<string, ProcessInfo>();
      // At least one tick per window (interval 0 = one tick each).
      for (; i >= 0 && (span === 0 || span < opts.intervalNs); i--) {
        const s = snaps[i];
        span += s.intervalNs;
        for (const p of s.processes) {
          const key = `${p.pid}:${p.startTicks}`;
          const seen = merged.get(key);
          if (!seen) merged.set(key, { ...p });
          else seen.cpuDeltaNs = (seen.cpuDeltaNs ?? 0) + (p.cpuDeltaNs ?? 0);
        }
      }
      if (span < opts.intervalNs && out.length > 0) break; // not enough history for a whole window
      const list = [...merged.values()];
      for (const p of list) {
        if (p.cpuDeltaNs === undefined) continue;
        p.cpuPercent = (p.cpuDeltaNs / span) * 100;
        if (newest.cpuLimit) p.cpuLimitPercent = p.cpuPercent / newest.cpuLimit;
      }
      const rank = list.map((p) => ({ p, pid: p.pid, cpuDelta: p.cpuDeltaNs, rss: p.rssBytes }));
      rank.sort(opts.sort === 'cpu' ? byCpu : byRss);
      out.push({ atMs: newest.atMs, intervalNs: span, processes: rank.slice(0, opts.limit).map((r) => r.p) });
    }
    return out;
  }
}
