// docker_container_context_switches: voluntary and involuntary switches of every thread of the
// container's cgroup, kept monotonic while threads come and go. With the kernel counter running
// (kernel-switches/) the counts are exact; otherwise each thread's /proc/<tid>/status is summed,
// a lower bound that misses threads born and gone between ticks. The `method` tag says which.
// When a run ends, the kernel's final totals ship once more in a last row (departures.ts).
// Per-thread files live in ProcFiles, not KeptFiles: thread exits are churn, not read errors.
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import type { Row } from '../../model.js';
import { GONE, ProcFiles } from '../proc-files.js';
import { parseTaskStatus } from '../parsers/proc-task-status.js';
import { newTaskCache, sharedTaskLister, type ContainerTasks, type TaskCache, type TaskLister } from '../tasks/task-lister.js';
import { cgroupIdOf, type KernelSwitches, type MethodSetting } from '../kernel-switches/kernel-switches.js';
import type { SwitchCounts } from '../kernel-switches/protocol.js';
import { sharedKernelSwitches, TickSnapshot } from '../kernel-switches/shared.js';
import { Departures } from '../kernel-switches/departures.js';
import { LIMITS_REFRESH_NS, isDue } from './read-helpers.js';

export const CONTEXT_SWITCHES_MEASUREMENT = 'docker_container_context_switches';
const NAME = 'context_switches';
/** The longest an idle container's (kernel-counted) task lists go unread: the limits' period. */
const LISTS_REFRESH_NS = LIMITS_REFRESH_NS;

interface ThreadSeen {
  path: string;
  tgid: number | undefined;
  voluntary: bigint;
  involuntary: bigint;
  /** Last tick the thread was listed. */
  tick: number;
}

/** What one container keeps between ticks: its threads' last counters and the running totals. */
interface ContainerThreads {
  threads: Map<number, ThreadSeen>;
  voluntary: bigint;
  involuntary: bigint;
  tick: number;
  /** This tick's task lists. */
  tasks: TaskCache;
  /** The cgroup v2 id the kernel counts this container under (its unified directory's inode); null: not a cgroup2 directory. */
  cgroupId?: bigint | null;
  /** Pid of the run the cgroup id belongs to. */
  pid?: number;
  /** Its run ended: the departures own its kernel entry (released once its last row is shipped). */
  departing?: boolean;
  /** The last kernel-counted row (frozen) and the counts it was made of: an idle container's repeat. */
  kernelRow?: { voluntary: bigint; involuntary: bigint; threads: number; processes: number; row: Row };
  /** Tick (monotonic ns) whose task lists the last kernel row's threads and processes come from. */
  listedAtNs?: bigint;
}

const KERNEL_TAGS = Object.freeze({ method: 'kernel' });
const PROC_TAGS = Object.freeze({ method: 'proc' });

export interface ContextSwitchesOptions {
  /** Shared descriptor cache (tests pass their own to inspect it). */
  files?: ProcFiles;
  /** The process-wide lister by default (one host /proc scan per tick for every collector). */
  tasks?: TaskLister;
  /** The kernel counter; without one, every row is counted from /proc. */
  kernel?: KernelSwitches;
  /**
   * The threads and processes fields (default true). Without them a row counted by the kernel
   * reads no task list: two files fewer per container per tick (`cgflux top` shows neither).
   */
  taskCounts?: boolean;
}

/** The collector, with the departures waiting for their last row (self-metrics count them). */
export type ContextSwitchesCollector = Collector<ContainerThreads> & { readonly departures?: Departures };

export function createContextSwitchesCollector(options: ContextSwitchesOptions = {}): ContextSwitchesCollector {
  const files = options.files ?? new ProcFiles();
  const taskCounts = options.taskCounts ?? true;
  const tasks = options.tasks ?? sharedTaskLister();
  const snapshot = options.kernel && new TickSnapshot(options.kernel);
  const departures = options.kernel && new Departures(options.kernel);

  /**
   * This container's exact totals when the kernel counter runs and knows the cgroup. The helper is
   * started at the first container with a real cgroup2 directory, so a cgflux that never ticks (or
   * reads a copied tree) never loads it; while it loads, rows are counted from /proc (and say so).
   */
  function exact(ctx: CollectorContext, state: ContainerThreads): SwitchCounts | undefined {
    const kernel = options.kernel;
    const dir = ctx.cgroup.dirs.unified;
    if (!kernel || !snapshot || !dir) return undefined;
    if (state.cgroupId === undefined) {
      state.cgroupId = cgroupIdOf(dir) ?? null;
      state.pid = ctx.container.pid;
    }
    if (state.cgroupId === null) return undefined;
    if (!kernel.settled) {
      void kernel.start();
      if (!kernel.settled) return undefined;
    }
    const all = snapshot.get(ctx.monotonicNs);
    if (!all) return undefined;
    const counts = all.get(state.cgroupId);
    // No entry in a full map: its switches may have been dropped, so not a zero (counted from /proc).
    if (!counts && !kernel.complete) return undefined;
    if (state.threads.size > 0) {
      for (const tid of state.threads.keys()) files.close(tid); // counted from /proc until now
      state.threads.clear();
    }
    kernel.claim(state.cgroupId);
    // No entry otherwise: no task of the cgroup was switched out since the program was attached.
    return counts ?? { voluntary: 0n, involuntary: 0n };
  }

  function account(ctx: CollectorContext, state: ContainerThreads, tid: number): boolean {
    let seen = state.threads.get(tid);
    const path = seen?.path ?? `${ctx.procRoot}/${tid}/status`;
    const read = files.read(tid, path);
    if (read.text === GONE) return false; // exited since the list was read: its last value stays counted
    if (read.text === undefined) {
      ctx.errors.count(NAME, 'unreadable');
      if (seen) seen.tick = state.tick; // alive but unreadable: not a new thread next time
      return true;
    }
    const counts = parseTaskStatus(read.text);
    if (!counts) {
      ctx.errors.count(NAME, 'malformed');
      if (seen) seen.tick = state.tick;
      return true;
    }
    const reused =
      seen !== undefined &&
      (read.reopened ||
        (counts.tgid !== undefined && seen.tgid !== undefined && counts.tgid !== seen.tgid) ||
        counts.voluntary < seen.voluntary ||
        counts.involuntary < seen.involuntary);
    if (!seen || reused) {
      state.voluntary += counts.voluntary;
      state.involuntary += counts.involuntary;
      if (!seen) state.threads.set(tid, (seen = { path, tgid: counts.tgid, voluntary: 0n, involuntary: 0n, tick: 0 }));
    } else {
      state.voluntary += counts.voluntary - seen.voluntary;
      state.involuntary += counts.involuntary - seen.involuntary;
    }
    seen.tgid = counts.tgid;
    seen.voluntary = counts.voluntary;
    seen.involuntary = counts.involuntary;
    seen.tick = state.tick;
    return true;
  }

  /**
   * A task cannot start or end without a switch counted in its cgroup (a thread's last switch is
   * out of TASK_DEAD; a new one runs only once something else is switched out, or on an idle CPU
   * until it is preempted, sleeps or exits), so while the kernel's counts stand still the last
   * tick's lists stand: two files fewer per idle container per tick. Read again at least every
   * LISTS_REFRESH_NS for the corner left (a task that has run without a switch since it began).
   */
  function idleLists(ctx: CollectorContext, state: ContainerThreads, counts: SwitchCounts): boolean {
    const last = state.kernelRow;
    return (
      last !== undefined && last.threads >= 0 && last.voluntary === counts.voluntary && last.involuntary === counts.involuntary &&
      !isDue(state.listedAtNs, ctx.monotonicNs, LISTS_REFRESH_NS)
    );
  }

  /** The row of kernel counts; the last one again (frozen: the encoder reuses its line) when nothing changed. */
  function kernelRow(state: ContainerThreads, counts: SwitchCounts, listed: ContainerTasks | undefined): Row {
    const threads = listed ? listed.tids.length : -1;
    const processes = listed ? listed.pids.length : -1;
    const last = state.kernelRow;
    if (last && last.voluntary === counts.voluntary && last.involuntary === counts.involuntary && last.threads === threads && last.processes === processes) return last.row;
    const fields: Row['fields'] = listed ? { ...counts, threads: BigInt(threads), processes: BigInt(processes) } : { ...counts };
    const row = Object.freeze({ measurement: CONTEXT_SWITCHES_MEASUREMENT, tags: KERNEL_TAGS, fields: Object.freeze(fields) });
    state.kernelRow = { voluntary: counts.voluntary, involuntary: counts.involuntary, threads, processes, row };
    return row;
  }

  return {
    name: NAME,
    createState: () => ({ threads: new Map(), voluntary: 0n, involuntary: 0n, tick: 0, tasks: newTaskCache() }),
    // The helper reads its map while the host and the first containers are read.
    beginTick: (monotonicNs) => snapshot?.begin(monotonicNs),
    collect(ctx, state, out) {
      // Counted by the kernel, a row needs the task lists only for its thread and process counts,
      // and not even those while its tasks were not switched out (idleLists).
      const counts = exact(ctx, state);
      if (counts && (!taskCounts || idleLists(ctx, state, counts))) {
        out.push(taskCounts ? state.kernelRow!.row : kernelRow(state, counts, undefined));
        return;
      }
      const listed = tasks.list(ctx, NAME, true, state.tasks);
      if (!listed) return;
      if (counts) {
        state.listedAtNs = ctx.monotonicNs;
        out.push(kernelRow(state, counts, listed));
        return;
      }
      const { pids, tids } = listed;

      state.tick++;
      let threads = 0;
      for (const tid of tids) if (account(ctx, state, tid)) threads++;
      for (const [tid, seen] of state.threads) {
        if (seen.tick !== state.tick) {
          state.threads.delete(tid);
          files.close(tid);
        }
      }
      out.push({
        measurement: CONTEXT_SWITCHES_MEASUREMENT,
        tags: PROC_TAGS,
        fields: taskCounts
          ? { voluntary: state.voluntary, involuntary: state.involuntary, threads: BigInt(threads), processes: BigInt(pids.length) }
          : { voluntary: state.voluntary, involuntary: state.involuntary },
      });
    },
    release(state, why) {
      for (const tid of state.threads.keys()) files.close(tid);
      // A reload's new sampler claims the same cgroup: its kernel totals must survive the old one.
      if (why === 'left' && typeof state.cgroupId === 'bigint' && !state.departing) options.kernel?.forget(state.cgroupId);
    },
    // Only the kernel keeps a cgroup's counts after its tasks are gone: /proc has nothing left to read.
    departed(container, state) {
      if (!departures || options.kernel?.method !== 'kernel') return;
      const cgroupId = typeof state?.cgroupId === 'bigint' ? state.cgroupId : undefined;
      if (state) state.departing = true;
      departures.add(container, cgroupId, cgroupId === undefined ? container.pid : state?.pid);
    },
    final(monotonicNs, runningPid, out) {
      if (!departures || !snapshot || departures.size === 0) return;
      departures.take(snapshot.get(monotonicNs), runningPid, (container, counts) => {
        out.push({ container, rows: [{ measurement: CONTEXT_SWITCHES_MEASUREMENT, tags: KERNEL_TAGS, fields: { ...counts } }] });
      });
    },
    departures,
  };
}

export const METHOD_SETTINGS: readonly MethodSetting[] = ['auto', 'kernel', 'proc'];

/**
 * `collectors.context_switches.method`: `auto` counts with the kernel program when the helper
 * loads (privilege: docs/deploy.md), else from /proc; `kernel` the same but a failure is logged
 * as an error; `proc` never loads it. `task_counts: false` leaves out the threads and processes
 * fields (and, with the kernel counter, the task lists read for them).
 */
export const contextSwitchesCollector = defineCollector({
  name: NAME,
  spec: { method: { leaf: { kind: 'enum', values: METHOD_SETTINGS } }, task_counts: { leaf: { kind: 'bool' } } },
  defaults: { enabled: true, method: 'auto', task_counts: true },
  create: (settings) =>
    createContextSwitchesCollector({ kernel: sharedKernelSwitches(settings.method as MethodSetting), taskCounts: settings.task_counts }),
});
