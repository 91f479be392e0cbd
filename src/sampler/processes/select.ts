// Which processes a tick ships: the top N by CPU over the interval and the top N by resident
// memory, their union (a process in both lists once). Pure, for the collector and the API.

export interface Rankable {
  pid: number;
  /** CPU used since the previous tick; undefined for a process first seen this tick. */
  cpuDelta: number | undefined;
  rss: number;
}

export const byCpu = (a: Rankable, b: Rankable): number => (b.cpuDelta ?? -1) - (a.cpuDelta ?? -1) || a.pid - b.pid;
export const byRss = (a: Rankable, b: Rankable): number => b.rss - a.rss || a.pid - b.pid;

/** The top `n` by CPU, in order, then those of the top `n` by RSS not already in. */
export function selectTop<T extends Rankable>(all: readonly T[], n: number): T[] {
  const cpu = [...all].sort(byCpu);
  if (cpu.length <= n) return cpu;
  cpu.length = n;
  const out = [...cpu];
  const inCpu = new Set<T>(cpu);
  const rss = [...all].sort(byRss);
  for (let i = 0; i < n; i++) if (!inCpu.has(rss[i])) out.push(rss[i]);
  return out;
}
