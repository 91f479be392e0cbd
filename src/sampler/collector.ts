// The contract between the sampler and its collectors. A collector owns one resource family,
// reads its files through the context (kept-open descriptors, errors counted) and hands the
// content to a pure parser; it appends complete rows to `out`.
import type { CgroupPaths, ContainerInfo, Row } from '../model.js';
import type { KeptFiles } from './kept-files.js';
import type { ReadErrors } from '../errors/read-errors.js';

/** Host-wide figures read once per tick, before the containers, for percentages. */
export interface HostSnapshot {
  /**
   * Host CPU time, ns (USER_HZ ticks × 1e9 / USER_HZ): the /proc/stat `cpu` columns user, nice,
   * system, idle, iowait, irq and softirq — the sum Docker's stats API reports as
   * system_cpu_usage, so container percentages match `docker stats`. 0 when /proc/stat is unreadable.
   */
  cpuTotalNs: number;
  /** The same, exact (a double loses ns above 2^53 ns ≈ 104 CPU-days). */
  cpuTotalNsExact?: bigint;
  onlineCpus: number;
  memTotalBytes: number;
}

export interface CollectorContext {
  container: ContainerInfo;
  cgroup: CgroupPaths;
  procRoot: string;
  sysRoot: string;
  files: KeptFiles;
  errors: ReadErrors;
  /** Reads `path` through the kept descriptors, owned by this container, counted under the collector. */
  read(path: string): string | undefined;
  /** Per-container, per-collector state kept between ticks (previous counters for rates/deltas). */
  state: Map<string, unknown>;
  /** Monotonic clock of this tick, ns (process.hrtime.bigint()). */
  monotonicNs: bigint;
  host: HostSnapshot;
  /** The previous tick's host snapshot, when there was one. */
  previousHost?: HostSnapshot;
}

export interface Collector {
  readonly name: string;
  collect(ctx: CollectorContext, out: Row[]): void;
  /** Called when a container left, to drop its state. Optional. */
  forget?(containerId: string): void;
}
