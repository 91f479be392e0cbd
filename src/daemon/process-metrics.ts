// The process's own gauges and counters (RSS, heap, descriptors, CPU, uptime), registered once
// per daemon in its MetricsRegistry beside the pipeline's figures.
import { openSync, readdirSync, readSync, statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
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

/** The descriptor count as the size of `fdDir` (Linux ≥ 6.2 reports it there; earlier kernels 0), or undefined. */
export function openFdsFromSize(fdDir = '/proc/self/fd'): number | undefined {
  try {
    const size = statSync(fdDir).size;
    return size > 0 ? size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Open descriptors for the self-metrics: the size of /proc/self/fd, one stat whatever the count,
 * taken every time, where the kernel gives it (a process always has some open, so 0 means an
 * older kernel); else the listing, at most once per `listEveryMs`.
 */
export function openFdsCounter(listEveryMs: number, fdDir = '/proc/self/fd'): () => number | undefined {
  if (openFdsFromSize(fdDir) !== undefined) return () => openFdsFromSize(fdDir);
  return cachedOpenFds(listEveryMs, () => countOpenFds(fdDir));
}

/**
 * RSS in bytes from /proc/self/statm re-read on a descriptor kept open (one pread), the same figure
 * as process.memoryUsage.rss(), which opens and parses /proc/self/stat every call: self-metrics
 * read it every tick. Falls back to rss() where statm cannot be opened.
 */
export function residentBytesReader(statmPath = '/proc/self/statm', pageBytes = 4096): () => number {
  let fd: number | undefined;
  try {
    fd = openSync(statmPath, 'r');
  } catch {
    return () => process.memoryUsage.rss();
  }
  const buffer = Buffer.alloc(128);
  // Pages are 4 KiB on x86-64 but 16 or 64 KiB on some arm64 kernels: calibrated once against rss().
  const pages = (): number => Number(buffer.toString('latin1', 0, readSync(fd!, buffer, 0, buffer.length, 0)).split(' ')[1]);
  const first = pages();
  const guess = process.memoryUsage.rss() / first;
  const page = [pageBytes, 16384, 65536].reduce((best, p) => (Math.abs(p - guess) < Math.abs(best - guess) ? p : best));
  return () => pages() * page;
}

/** RSS, heap, open fds (on kernels before 6.2 counted at most once a minute), CPU seconds, uptime and start time of this process. */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  const openFds = openFdsCounter(60_000);
  registry.gaugeFn('process_resident_memory_bytes', 'Resident set size of the cgflux process, bytes.', residentBytesReader());
  // getHeapStatistics() is what memoryUsage() asks V8 for, without memoryUsage()'s read of /proc.
  registry.gaugeFn('process_heap_used_bytes', 'V8 heap in use, bytes.', () => getHeapStatistics().used_heap_size);
  registry.gaugeFn('process_open_fds', 'Open file descriptors (kept-open cgroup files, sockets, spool); before Linux 6.2 counted at most once a minute.', openFds);
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
