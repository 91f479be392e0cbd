// The process's own gauges and counters (RSS, heap, descriptors, CPU, uptime), registered once
// per daemon in its MetricsRegistry beside the pipeline's figures.
import { readdirSync } from 'node:fs';
import type { MetricsRegistry } from './self-metrics.js';

/** Open descriptors of this process (the listing's own descriptor excluded), or undefined off Linux. */
export function countOpenFds(fdDir = '/proc/self/fd'): number | undefined {
  try {
    return readdirSync(fdDir).length - 1;
  } catch {
    return undefined;
  }
}

/**
 * countOpenFds at most once per `everyMs`: listing /proc/self/fd makes one string per descriptor,
 * and with tens of thousands of kept-open cgroup files that costs more than some ticks' reads.
 */
export function cachedOpenFds(everyMs: number, count: () => number | undefined = countOpenFds, now: () => number = Date.now): () => number | undefined {
  let value: number | undefined;
  let atMs = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    if (t - atMs >= everyMs) {
      value = count();
      atMs = t;
    }
    return value;
  };
}

/** RSS, heap, open fds (counted at most once a minute), CPU seconds, uptime and start time of this process. */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  const openFds = cachedOpenFds(60_000);
  registry.gaugeFn('process_resident_memory_bytes', 'Resident set size of the cgflux process, bytes.', () => process.memoryUsage.rss());
  registry.gaugeFn('process_heap_used_bytes', 'V8 heap in use, bytes.', () => process.memoryUsage().heapUsed);
  registry.gaugeFn('process_open_fds', 'Open file descriptors (kept-open cgroup files, sockets, spool), counted at most once a minute.', openFds);
  registry.counterFn(
    'process_cpu_seconds',
    'CPU time used by cgflux, user + system, seconds.',
    () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    {},
    { float: true },
  );
  registry.gaugeFn('process_uptime_seconds', 'Seconds since cgflux started.', () => process.uptime(), {}, { float: true });
}
