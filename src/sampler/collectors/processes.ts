// docker_container_process (opt-in): per container, the top N processes by CPU over the interval
// and the top N by resident memory, their union each tick. Every process of the container has its
// /proc/<pid>/stat read (kept descriptors) to rank them; status files and the command line are
// read for the shipped ones only. The tasks come from the shared TaskLister, so this works in a
// container without the host pid namespace. Each tick's union is also recorded in the
// ProcessBook (REST API, `cgflux ps`, the live view).
import type { Row } from '../../model.js';
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import { GONE, ProcFiles } from '../proc-files.js';
import { NS_PER_TICK } from '../parsers/proc-stat.js';
import { parsePidStat, type PidStat } from '../parsers/proc-pid-stat.js';
import { ProcessBook, type ProcessInfo } from '../processes/book.js';
import { containerLimits, type ContainerLimits } from '../processes/limits.js';
import { readCmdline, readStatusDetails } from '../processes/details.js';
import { selectTop } from '../processes/select.js';
import { newTaskCache, sharedTaskLister, type TaskCache, type TaskLister } from '../tasks/task-lister.js';

export const PROCESS_MEASUREMENT = 'docker_container_process';
const NAME = 'processes';
const TICK_NS = Number(NS_PER_TICK);

export interface ProcessesOptions {
  /** N of the top N by CPU and by memory (default 5). */
  top?: number;
  /** Ship the command line as a string field, cut to `cmdlineMax` characters. */
  cmdline?: boolean;
  cmdlineMax?: number;
  tasks?: TaskLister;
  book?: ProcessBook;
  files?: ProcFiles;
  /** Wall clock of a reading (tests). */
  nowMs?: () => number;
}

interface Seen {
  start: bigint;
  cpuTicks: bigint;
}

interface ContainerState {
  /** Set at the first collect: the book's key, dropped on release. */
  containerId?: string;
  seen: Map<number, Seen>;
  lastNs?: bigint;
  limits?: ContainerLimits;
  tasks: TaskCache;
}

interface Candidate {
  pid: number;
  stat: PidStat;
  cpuDelta: number | undefined;
  rss: number;
}

export interface ProcessesCollector extends Collector<ContainerState> {
  readonly book: ProcessBook;
  readonly tasks: TaskLister;
  /** N: the top N by CPU and the top N by memory are kept each tick. */
  readonly top: number;
}

export function createProcessesCollector(options: ProcessesOptions = {}): ProcessesCollector {
  const top = options.top ?? 5;
  const cmdlineMax = options.cmdlineMax ?? 256;
  const tasks = options.tasks ?? sharedTaskLister();
  const book = options.book ?? new ProcessBook();
  const files = options.files ?? new ProcFiles(1024);
  const nowMs = options.nowMs ?? Date.now;

  function rank(ctx: CollectorContext, state: ContainerState, pids: readonly number[]): Candidate[] {
    const out: Candidate[] = [];
    let vanished = 0;
    for (const pid of pids) {
      const read = files.read(pid, `${ctx.procRoot}/${pid}/stat`);
      if (read.text === GONE) {
        vanished++;
        continue;
      }
      if (read.text === undefined) {
        ctx.errors.count(NAME, 'unreadable');
        continue;
      }
      const stat = parsePidStat(read.text);
      if (!stat) {
        ctx.errors.count(NAME, read.text.length === 0 ? 'empty' : 'malformed');
        continue;
      }
      const cpuTicks = stat.utimeTicks + stat.stimeTicks;
      const prev = state.seen.get(pid);
      const same = prev !== undefined && prev.start === stat.startTicks && !read.reopened && cpuTicks >= prev.cpuTicks;
      out.push({ pid, stat, cpuDelta: same ? Number(cpuTicks - prev.cpuTicks) : undefined, rss: Number(stat.rssPages) });
      if (prev) {
        prev.start = stat.startTicks;
        prev.cpuTicks = cpuTicks;
      } else state.seen.set(pid, { start: stat.startTicks, cpuTicks });
    }
    if (vanished > 0) ctx.errors.count(NAME, 'vanished', vanished);
    // Pids gone since the last tick: their descriptors and baselines go too.
    if (state.seen.size > out.length) {
      const live = new Set(out.map((c) => c.pid));
      for (const pid of state.seen.keys()) {
        if (!live.has(pid)) {
          state.seen.delete(pid);
          files.close(pid);
        }
      }
    }
    return out;
  }

  function describe(ctx: CollectorContext, c: Candidate, intervalNs: number, limits: ContainerLimits, memBasis: number | undefined): ProcessInfo | undefined {
    const s = c.stat;
    const details = readStatusDetails(ctx.procRoot, c.pid, s.threads);
    if (!details) {
      ctx.errors.count(NAME, 'vanished');
      return undefined;
    }
    const info: ProcessInfo = {
      pid: c.pid, ppid: s.ppid, name: s.comm, state: s.state, threads: s.threads,
      userNs: Number(s.utimeTicks) * TICK_NS, systemNs: Number(s.stimeTicks) * TICK_NS,
      rssBytes: Number(details.rssBytes ?? 0n),
      minorFaults: Number(s.minorFaults), majorFaults: Number(s.majorFaults), startTicks: Number(s.startTicks),
    };
    if (c.cpuDelta !== undefined && intervalNs > 0) {
      info.cpuDeltaNs = c.cpuDelta * TICK_NS;
      info.cpuPercent = (info.cpuDeltaNs / intervalNs) * 100;
      if (limits.cpus) info.cpuLimitPercent = info.cpuPercent / limits.cpus;
    }
    if (memBasis) info.memPercent = (info.rssBytes / memBasis) * 100;
    if (details.voluntary !== undefined) info.voluntarySwitches = Number(details.voluntary);
    if (details.involuntary !== undefined) info.involuntarySwitches = Number(details.involuntary);
    if (options.cmdline) info.cmdline = readCmdline(ctx.procRoot, c.pid, cmdlineMax);
    return info;
  }

  return {
    name: NAME,
    book,
    tasks,
    top,
    createState: () => ({ seen: new Map(), tasks: newTaskCache() }),
    collect(ctx, state, out) {
      state.containerId = ctx.container.id;
      const listed = tasks.list(ctx, NAME, false, state.tasks);
      if (!listed) return;
      const intervalNs = state.lastNs === undefined ? 0 : Number(ctx.monotonicNs - state.lastNs);
      state.lastNs = ctx.monotonicNs;
      const limits = (state.limits = containerLimits(ctx, NAME, state.limits));
      const memBasis = limits.memoryBytes ?? (ctx.host.memTotalBytes || undefined);
      const candidates = rank(ctx, state, listed.pids);
      const shipped: ProcessInfo[] = [];
      for (const c of selectTop(candidates, top)) {
        const info = describe(ctx, c, intervalNs, limits, memBasis);
        if (info) shipped.push(info);
      }
      book.record(ctx.container.id, {
        atMs: nowMs(), intervalNs, cpuLimit: limits.cpus, memoryLimitBytes: limits.memoryBytes, memoryBasisBytes: memBasis,
        total: candidates.length, processes: shipped,
      });
      pushRows(shipped, out, options.cmdline === true);
    },
    release(state) {
      for (const pid of state.seen.keys()) files.close(pid);
      if (state.containerId !== undefined) book.forget(state.containerId);
    },
  };
}

/** One row per process; `instance` tells apart processes of one name in the same tick. */
function pushRows(shipped: ProcessInfo[], out: Row[], withCmdline: boolean): void {
  const instances = new Map<string, number>();
  for (const p of [...shipped].sort((a, b) => a.pid - b.pid)) {
    const n = instances.get(p.name) ?? 0;
    instances.set(p.name, n + 1);
    const fields: Row['fields'] = {
      pid: BigInt(p.pid), ppid: BigInt(p.ppid), state: p.state, threads: BigInt(p.threads),
      cpu_user_ns: BigInt(p.userNs), cpu_system_ns: BigInt(p.systemNs), rss: BigInt(p.rssBytes),
      minor_faults: BigInt(p.minorFaults), major_faults: BigInt(p.majorFaults),
    };
    if (p.cpuPercent !== undefined) fields.cpu_percent = p.cpuPercent;
    if (p.cpuLimitPercent !== undefined) fields.cpu_limit_percent = p.cpuLimitPercent;
    if (p.memPercent !== undefined) fields.memory_percent = p.memPercent;
    if (p.voluntarySwitches !== undefined) fields.voluntary_switches = BigInt(p.voluntarySwitches);
    if (p.involuntarySwitches !== undefined) fields.involuntary_switches = BigInt(p.involuntarySwitches);
    if (withCmdline && p.cmdline !== undefined) fields.cmdline = p.cmdline;
    out.push({ measurement: PROCESS_MEASUREMENT, tags: { process: p.name, instance: String(n) }, fields });
  }
}

/** `collectors.processes` (off by default): top N by CPU and by memory, command line opt-in. */
export const processesCollector = defineCollector({
  name: NAME,
  spec: {
    top: { leaf: { kind: 'int', min: 1, max: 100 } },
    cmdline: { leaf: { kind: 'bool' } },
    cmdline_max: { leaf: { kind: 'int', min: 16, max: 65536 } },
    history: { leaf: { kind: 'int', min: 1, max: 3600 } },
  },
  defaults: { enabled: false, top: 5, cmdline: false, cmdline_max: 256, history: 60 },
  create: (s) => createProcessesCollector({ top: s.top, cmdline: s.cmdline, cmdlineMax: s.cmdline_max, book: new ProcessBook(s.history) }),
});
