// The contract between the sampler and its collectors. A collector owns one resource family,
// reads its files through the context (kept-open descriptors, errors counted) and hands the
// content to a pure parser; it appends complete rows to `out`.
import type { CgroupPaths, ContainerInfo, Row } from '../model.js';
import type { KeptFiles } from './kept-files.js';
import type { ReadErrors } from './read-errors.js';

/** Host-wide figures read once per tick, before the containers, for percentages. */
export interface HostSnapshot {
  /** Sum of all /proc/stat `cpu` columns, in ns (USER_HZ ticks × 1e9 / USER_HZ). */
  cpuTotalNs: number;
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
