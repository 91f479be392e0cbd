// One kernel counter per process, shared by the context-switches collectors of every pipeline:
// a configuration reload keeps the loaded program (and its totals) instead of loading another.
// A reload that changes collectors.context_switches.method replaces it.
import { KernelSwitches, type MethodSetting } from './kernel-switches.js';
import type { SwitchCounts } from './protocol.js';

let shared: { setting: MethodSetting; kernel: KernelSwitches } | undefined;

/** The process's counter for `setting`; the collector starts it at its first real cgroup. */
export function sharedKernelSwitches(setting: MethodSetting): KernelSwitches {
  if (shared?.setting !== setting) {
    shared?.kernel.close();
    shared = { setting, kernel: new KernelSwitches({ setting }) };
  }
  return shared.kernel;
}

/**
 * The kernel's totals for this tick, read once for every container of the tick (the tick is
 * identified by its monotonic time); undefined while the method is not `kernel`.
 */
export class TickSnapshot {
  private tickNs = -1n;
  private counts?: Map<bigint, SwitchCounts>;

  constructor(readonly kernel: KernelSwitches) {}

  /** At the start of a tick: the helper prepares the totals while the host and the first containers are read. */
  begin(monotonicNs: bigint): void {
    if (monotonicNs !== this.tickNs) this.kernel.prefetch();
  }

  get(monotonicNs: bigint): Map<bigint, SwitchCounts> | undefined {
    if (monotonicNs !== this.tickNs) {
      this.tickNs = monotonicNs;
      this.counts = this.kernel.readAll();
    }
    return this.counts;
  }
}
