// Which pids and tids belong to a container's cgroup, numbered as host.proc_root numbers them —
// the one question the context-switch and processes collectors share. Two ways, chosen once:
// the cgroup lists (cgroup.procs, v1 tasks / v2 cgroup.threads) when cgflux shares proc_root's
// pid namespace, else a scan of proc_root (proc-scan.ts). A container Docker reports running
// but whose tasks cannot be seen is never a list of zero: undefined is returned, the read error
// counted (`unseen`), and the log says once what to change in the deployment.
// One lister serves the whole process (sharedTaskLister): the source is chosen once per proc root
// and the host-wide scan runs once per tick for every collector. What is per container (the
// lists of this tick) lives in a TaskCache inside each collector's per-container state.
import { existsSync, readFileSync } from 'node:fs';
import type { CollectorContext, ReadMode } from '../collector.js';
import type { CgroupPaths } from '../../model.js';
import { logger, type Logger } from '../../log.js';
import { parsePidList } from '../parsers/pid-list.js';
import { chooseTaskSource, type TaskSource, type TaskSourceChoice } from './pid-namespace.js';
import { ProcScan } from './proc-scan.js';

export interface ContainerTasks {
  /** Process ids (thread-group leaders). Valid until the next tick. */
  pids: readonly number[];
  /** Thread ids of every process, when asked for. */
  tids: readonly number[];
}

export interface TaskListerOptions {
  /** Force a source (tests, benchmark); chosen from the pid namespaces otherwise. */
  source?: TaskSource;
  log?: Logger;
}

/** One container's lists of the current tick; kept in a collector's per-container state. */
export interface TaskCache {
  tickNs: bigint;
  pids: number[];
  tids: number[];
  withThreads: boolean;
  seen: boolean;
  /** Not seen because the container's process is gone too (it is exiting). */
  exiting?: boolean;
}

export function newTaskCache(): TaskCache {
  return { tickNs: -1n, pids: [], tids: [], withThreads: false, seen: false };
}

interface Root {
  choice: TaskSourceChoice;
  scan?: ProcScan;
  /** proc_root is a host /proc (it shows the kernel's threads). */
  hostProc: boolean;
}

interface ListFiles {
  procs: string;
  threads: string;
  mode: ReadMode;
}

/**
 * The cgroup's pid and thread lists. A v1 list read again on a kept descriptor is the kernel's
 * cached copy while that copy lingers (one second after its last read), so read every second it
 * never changes: new tasks are missed, exited ones kept. So a v1 host with the unified hierarchy
 * mounted (hybrid) reads that hierarchy's lists (v2 lists are read afresh on every read), and a
 * v1-only host opens its lists for every read.
 */
function listFiles(cgroup: CgroupPaths): ListFiles | undefined {
  const unified = cgroup.dirs.unified;
  if (unified) return { procs: `${unified}/cgroup.procs`, threads: `${unified}/cgroup.threads`, mode: 'kept' };
  if (cgroup.version === 2) return undefined;
  const d = cgroup.dirs;
  const dir = d.pids ?? d.cpu ?? d.cpuacct ?? d.memory ?? d.blkio ?? d.cpuset;
  return dir ? { procs: `${dir}/cgroup.procs`, threads: `${dir}/tasks`, mode: 'once' } : undefined;
}

const DEPLOY_FIX =
  'mount the host\'s /proc read-only (e.g. -v /proc:/host/proc:ro) and set host.proc_root to it, or run cgflux in the host pid namespace ' +
  '(docker run --pid host, compose "pid: host", Kubernetes "hostPID: true")';

export class TaskLister {
  private readonly roots = new Map<string, Root>();
  private last: Root | undefined;
  private warned = false;
  private readonly log: Logger;

  constructor(private readonly options: TaskListerOptions = {}) {
    this.log = options.log ?? logger('tasks');
  }

  /** The source in use for the last proc root listed. */
  get source(): TaskSource | undefined {
    return this.last?.choice.source;
  }

  /** Scan counters (proc_scan only), for the benchmark and tests. */
  get scanStats(): ProcScan['stats'] | undefined {
    return this.last?.scan?.stats;
  }

  /**
   * The container's tasks this tick (one reading per container per tick, whichever collector asks
   * first), or undefined when they cannot be seen (counted under `collector`) or its cgroup has
   * no list files.
   */
  list(ctx: CollectorContext, collector: string, withThreads: boolean, cached: TaskCache): ContainerTasks | undefined {
    let root = this.roots.get(ctx.procRoot);
    if (!root) this.roots.set(ctx.procRoot, (root = this.choose(ctx.procRoot)));
    this.last = root;
    const choice = root.choice;
    if (cached.tickNs !== ctx.monotonicNs || (withThreads && !cached.withThreads)) {
      const fresh = cached.tickNs !== ctx.monotonicNs;
      cached.tickNs = ctx.monotonicNs;
      cached.withThreads = withThreads || (!fresh && cached.withThreads);
      const read = root.scan ? this.fromScan(root.scan, ctx, cached, withThreads, fresh) : this.fromLists(ctx, collector, cached, withThreads, fresh);
      if (read === 'none') {
        cached.seen = false;
        cached.tickNs = -1n;
        return undefined;
      }
      cached.seen = cached.pids.length > 0 || ctx.container.pid <= 0;
      // Docker's pid gone from a host /proc too: the container is exiting (its list emptied
      // first), not hidden from cgflux.
      cached.exiting = !cached.seen && root.hostProc && !existsSync(`${ctx.procRoot}/${ctx.container.pid}`);
      if (!cached.seen && !cached.exiting) this.unseen(ctx, choice.source);
    }
    if (!cached.seen) {
      ctx.errors.count(collector, cached.exiting ? 'vanished' : 'unseen');
      return undefined;
    }
    return cached;
  }

  private choose(procRoot: string): Root {
    const choice = this.options.source ? { source: this.options.source, why: 'set by the caller' } : chooseTaskSource(procRoot);
    this.log.info(`container tasks are listed from ${choice.source === 'cgroup' ? 'the cgroup pid lists' : `a scan of ${procRoot}`}: ${choice.why}`);
    const hostProc = showsKernelThreads(procRoot);
    return choice.source === 'proc_scan' ? { choice, scan: new ProcScan(procRoot), hostProc } : { choice, hostProc };
  }

  private fromLists(ctx: CollectorContext, collector: string, cached: TaskCache, withThreads: boolean, fresh: boolean): 'ok' | 'none' {
    const files = listFiles(ctx.cgroup);
    if (!files) return 'none';
    if (fresh) {
      const text = ctx.read(files.procs, files.mode);
      if (text === undefined) return 'none';
      const bad = parsePidList(text, cached.pids);
      if (bad > 0) ctx.errors.count(collector, 'malformed', bad);
    }
    if (withThreads) {
      const text = ctx.read(files.threads, files.mode);
      if (text === undefined) return 'none';
      const bad = parsePidList(text, cached.tids);
      if (bad > 0) ctx.errors.count(collector, 'malformed', bad);
    } else cached.tids.length = 0;
    return 'ok';
  }

  private fromScan(scan: ProcScan, ctx: CollectorContext, cached: TaskCache, withThreads: boolean, fresh: boolean): 'ok' | 'none' {
    if (fresh) {
      const pids = scan.pidsOf(ctx.container.id, ctx.monotonicNs);
      if (pids === undefined) return 'none';
      cached.pids.length = 0;
      for (const pid of pids) cached.pids.push(pid);
    }
    cached.tids.length = 0;
    if (withThreads) for (const pid of cached.pids) scan.threadsOf(pid, cached.tids);
    return 'ok';
  }

  private unseen(ctx: CollectorContext, source: TaskSource): void {
    if (this.warned) return;
    this.warned = true;
    const c = ctx.container;
    const what = `container ${c.name} is running (Docker reports pid ${c.pid}) but cgflux cannot see its processes`;
    const why =
      source === 'cgroup'
        ? `its cgroup pid list is empty as read from cgflux's pid namespace`
        : `${ctx.procRoot} does not show them, so it is not the host's /proc`;
    this.log.warn(`${what}: ${why}. Context switches and processes are left out for such containers (counted in read_errors_total{reason="unseen"}) until you ${DEPLOY_FIX}. Said once.`);
  }
}

/** Pid 2 is the kernel's kthreadd in the host's pid namespace only (a container's /proc lacks it). */
function showsKernelThreads(procRoot: string): boolean {
  try {
    return readFileSync(`${procRoot}/2/comm`, 'utf8') === 'kthreadd\n';
  } catch {
    return false;
  }
}

let shared: TaskLister | undefined;

/** The process-wide lister the collectors use unless given their own (tests, benchmark). */
export function sharedTaskLister(): TaskLister {
  return (shared ??= new TaskLister());
}
