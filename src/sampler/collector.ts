// The contract between the sampler and its collectors. A collector owns one resource family,
// reads its files through the context (kept-open descriptors, errors counted) and hands the
// content to a pure parser; it appends complete rows to `out`. Each collector module exports one
// definition (config section, defaults, factory): the config schema and the collector list are
// built from those (collectors/index.ts).
import type { LeafField } from '../config/spec.js';
import type { CgroupPaths, ContainerInfo, Row, Sample } from '../model.js';
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
  /** /proc/meminfo SwapTotal, bytes; undefined when it could not be read. 0: no swap area is on. */
  swapTotalBytes?: number;
}

/**
 * `kept`: through a descriptor kept open between ticks (the default); `once`: opened, read and
 * closed; `rare`: a file read every 30 s (limits), kept open while descriptors are plentiful
 * (at most half the budget in use) and closed first when a file read every tick needs one.
 */
export type ReadMode = 'kept' | 'once' | 'rare';

export interface CollectorContext {
  container: ContainerInfo;
  cgroup: CgroupPaths;
  procRoot: string;
  sysRoot: string;
  errors: ReadErrors;
  /**
   * Reads `path` through the kept descriptors, owned by this container, counted under the
   * collector (modes: ReadMode).
   */
  read(path: string, mode?: ReadMode): string | undefined;
  /** Monotonic clock of this tick, ns (process.hrtime.bigint()). */
  monotonicNs: bigint;
  host: HostSnapshot;
}

/**
 * `S` is what the collector keeps per container between ticks (previous counters, cached paths).
 * The sampler makes it with createState() when it first sees a container, hands it to every
 * collect() of that container and drops it when the container leaves or restarts.
 */
export interface Collector<S = unknown> {
  readonly name: string;
  /**
   * Also run for containers without a process (created, exited, dead, between restarts), which
   * have no cgroup or /proc files: only collectors that read none of them (status) set this.
   */
  readonly withoutProcess?: boolean;
  createState(): S;
  /** Once per tick before any container is read (work that can run while others are read). Optional. */
  beginTick?(monotonicNs: bigint): void;
  collect(ctx: CollectorContext, state: S, out: Row[]): void;
  /**
   * Frees what a container's state holds outside the heap (descriptors) when it leaves (`left`:
   * gone or restarted) or the sampler closes (`closed`: shutdown or a configuration reload, after
   * which a new sampler reads the same containers). Optional.
   */
  release?(state: S, why: 'left' | 'closed'): void;
  /**
   * A run of the container ended (discovery saw Docker's `die`); `state` is its state while the
   * sampler still holds it (undefined for a container it never read). Optional.
   */
  departed?(container: ContainerInfo, state: S | undefined): void;
  /**
   * Docker reported an OOM kill in the container (its `oom` event): what the collector reads less
   * often because it changes at such moments is due at the next tick. Optional.
   */
  oomReported?(state: S): void;
  /**
   * Last rows of departed containers, each shipped once, at the end of a tick. `runningPid` is
   * the pid a container was read with in this tick, if it was. Optional.
   */
  final?(monotonicNs: bigint, runningPid: (id: string) => number | undefined, out: Sample[]): void;
}

/** A `collectors.<name>` section: every one has `enabled`, some have options. */
export interface CollectorSettings {
  enabled: boolean;
}

/** Literal defaults (`per_cpu: false`) widened to the setting's type (`boolean`). */
export type SettingsOf<D> = { enabled: boolean } & {
  -readonly [K in Exclude<keyof D, 'enabled'>]: D[K] extends boolean ? boolean : D[K] extends number ? number : D[K] extends string ? string : D[K];
};

/** The section's keys besides `enabled`, as config spec leaves (validation, env vars, flags, rendering). */
export type SettingsSpec<D> = { readonly [K in Exclude<keyof D, 'enabled'>]: LeafField };

/** A `collectors.<name>` config section that no per-container collector reads (host, events). */
export interface SettingsDefinition<N extends string = string, S extends CollectorSettings = CollectorSettings> {
  /** The YAML key under `collectors:`. */
  readonly name: N;
  readonly spec: SettingsSpec<S>;
  readonly defaults: S;
}

/** A per-container collector: its config section and how to make it from that section. */
export interface CollectorDefinition<N extends string = string, S extends CollectorSettings = CollectorSettings> extends SettingsDefinition<N, S> {
  create(settings: S): Collector;
}

export function defineCollector<const N extends string, D extends CollectorSettings>(definition: {
  name: N;
  spec: SettingsSpec<D>;
  defaults: D;
  create(settings: SettingsOf<D>): Collector;
}): CollectorDefinition<N, SettingsOf<D>> {
  return definition as unknown as CollectorDefinition<N, SettingsOf<D>>;
}

export function defineSettings<const N extends string, D extends CollectorSettings>(definition: {
  name: N;
  spec: SettingsSpec<D>;
  defaults: D;
}): SettingsDefinition<N, SettingsOf<D>> {
  return definition as unknown as SettingsDefinition<N, SettingsOf<D>>;
}
