// Several daemons at once on the same containers, each one's CPU (all threads and the helper)
// per window: the machine's drift, which moves a daemon's cost by ±20 % over minutes here, is
// then the same for every variant, and a small difference shows where alternating runs blur it.
import { median } from '../lib/stats.js';
import { startDaemon, sum, threadCpuNs, type BenchDaemon } from './daemon-process.js';

export interface SideBySideVariant {
  name: string;
  cli?: string;
  nodeArgs?: string[];
}

export interface SideBySideResult {
  name: string;
  /** ms of CPU in each window, in order. */
  windows_ms: number[];
  /** Median of the windows ÷ the ticks in a window. */
  per_tick_ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sideBySide(o: {
  variants: SideBySideVariant[];
  intervalMs: number;
  warmupMs: number;
  windowTicks: number;
  windows: number;
  label: string;
  onWindow?: (index: number, ms: number[]) => void;
}): Promise<SideBySideResult[]> {
  const daemons: BenchDaemon[] = [];
  try {
    for (const v of o.variants) daemons.push(startDaemon({ intervalMs: o.intervalMs, label: o.label, nodeArgs: v.nodeArgs, cli: v.cli }));
    await sleep(o.warmupMs);
    // Half an interval past a slot: every window holds exactly windowTicks ticks of each daemon.
    const now = Date.now();
    const start = Math.floor(now / o.intervalMs) * o.intervalMs + o.intervalMs / 2;
    await sleep(start > now ? start - now : start + o.intervalMs - now);
    const t0 = performance.now();
    let previous = daemons.map((d) => sum(threadCpuNs(d.pid)));
    const windows: number[][] = o.variants.map(() => []);
    for (let w = 1; w <= o.windows; w++) {
      await sleep(Math.max(0, w * o.windowTicks * o.intervalMs - (performance.now() - t0)));
      const failed = daemons.find((d) => d.exitedEarly());
      if (failed) throw new Error(failed.exitedEarly());
      const current = daemons.map((d) => sum(threadCpuNs(d.pid)));
      const ms = current.map((c, i) => (c - previous[i]) / 1e6);
      ms.forEach((v, i) => windows[i].push(v));
      o.onWindow?.(w, ms);
      previous = current;
    }
    return o.variants.map((v, i) => ({ name: v.name, windows_ms: windows[i], per_tick_ms: median(windows[i]) / o.windowTicks }));
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
  }
}
