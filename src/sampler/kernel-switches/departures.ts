// Containers whose run ended (Docker's `die`), waiting for their last context-switch row. Their
// cgroup is already removed, but the kernel map still holds its final totals: the next tick ships
// them once and drops the map entry. A run the sampler never saw (it lived less than one tick) is
// matched by the cgroup directory name the program recorded (the container id). Bounded: beyond
// `max` waiting, the oldest is dropped, its map entry forgotten, and counted.
import type { ContainerInfo } from '../../model.js';
import type { SwitchCounts } from './protocol.js';

/** Pending departures kept at most; a burst beyond it loses the oldest final rows (counted). */
export const MAX_DEPARTURES = 1024;
/** Ticks a departure matched by name waits for the helper to report that name. */
export const NAME_WAIT_TICKS = 3;

/** The part of KernelSwitches the bookkeeping uses. */
export interface DepartureKernel {
  cgroupIdOfContainer(containerId: string): bigint | undefined;
  forget(cgroupId: bigint, containerId?: string): void;
}

interface Departure {
  container: ContainerInfo;
  /** The cgroup id the run was counted under when the sampler read it; else matched by name. */
  cgroupId?: bigint;
  /** Pid of the ended run; 0 when it was never seen running. */
  pid: number;
  waited: number;
}

export interface DepartureStats {
  shipped: number;
  /** Dropped because more than `max` were waiting. */
  dropped: number;
  /** No kernel entry (no switch since the program was attached, or the name never reported). */
  unmatched: number;
  /** The container was running again (a restart) before its last row could be shipped. */
  superseded: number;
}

export class Departures {
  private readonly pending = new Map<string, Departure>();
  readonly stats: DepartureStats = { shipped: 0, dropped: 0, unmatched: 0, superseded: 0 };

  constructor(
    private readonly kernel: DepartureKernel,
    private readonly max = MAX_DEPARTURES,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** A run of `container` ended; `cgroupId` and `pid` when the sampler counted it. */
  add(container: ContainerInfo, cgroupId?: bigint, pid = container.pid): void {
    const had = this.pending.get(container.id);
    this.pending.delete(container.id);
    this.pending.set(container.id, { container, cgroupId: cgroupId ?? had?.cgroupId, pid: pid || had?.pid || 0, waited: 0 });
    if (this.pending.size <= this.max) return;
    const [oldestId, oldest] = this.pending.entries().next().value as [string, Departure];
    this.pending.delete(oldestId);
    if (oldest.cgroupId !== undefined) this.kernel.forget(oldest.cgroupId, oldestId);
    this.stats.dropped++;
  }

  /**
   * Hands each departure's final totals from this tick's kernel snapshot to `emit`, once, and
   * forgets the map entry. `counts` undefined: the kernel method is gone, nothing can be shipped.
   * `runningPid` is the pid a container was sampled with this tick (a new run is not the one that
   * ended: its cgroup, and the name match, belong to the new run).
   */
  take(counts: ReadonlyMap<bigint, SwitchCounts> | undefined, runningPid: (id: string) => number | undefined, emit: (container: ContainerInfo, counts: SwitchCounts) => void): void {
    if (!counts) {
      this.stats.unmatched += this.pending.size;
      this.pending.clear();
      return;
    }
    for (const [id, d] of this.pending) {
      const now = runningPid(id) ?? 0;
      if (now > 0 && now !== d.pid) {
        if (d.cgroupId !== undefined) this.kernel.forget(d.cgroupId);
        this.pending.delete(id);
        this.stats.superseded++;
        continue;
      }
      const cgroupId = d.cgroupId ?? this.kernel.cgroupIdOfContainer(id);
      const entry = cgroupId === undefined ? undefined : counts.get(cgroupId);
      if (!entry) {
        if (cgroupId === undefined && ++d.waited < NAME_WAIT_TICKS) continue;
        if (cgroupId !== undefined) this.kernel.forget(cgroupId, id);
        this.pending.delete(id);
        this.stats.unmatched++;
        continue;
      }
      emit(d.container, entry);
      this.kernel.forget(cgroupId!, id);
      this.pending.delete(id);
      this.stats.shipped++;
    }
  }
}
