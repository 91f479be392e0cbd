// One tick of sampling: the host snapshot once, then every enabled collector for every container.
// A container's rows are complete or absent: when its cgroup (or its pid) vanished while it was
// read, whatever was gathered for it this tick is dropped and counted. The sampler owns each
// collector's per-container state: made when a container is first seen, dropped (and released)
// when it leaves or restarts, with its kept descriptors. Bad input never throws out of gather().
import { flattenInPlace } from '../flatten.js';
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { CgroupPaths, ContainerInfo, Row, Sample } from '../model.js';
import { logger } from '../log.js';
import type { Collector, CollectorContext, HostSnapshot, ReadMode } from './collector.js';
import type { KeptFiles } from './kept-files.js';
import type { ReadErrors } from '../errors/read-errors.js';
import { createEnabledCollectors } from './collectors/index.js';
import { HostReader } from './host.js';

const log = logger('sampler');
const NAME = 'sampler';

/** A container without resolved cgroup dirs: collectors find nothing to read, status still ships. */
const NO_CGROUP: CgroupPaths = Object.freeze({ version: 1, dirs: Object.freeze({}), driver: 'unknown' }) as CgroupPaths;

export type SamplerConfig = Pick<Config, 'collectors' | 'host'>;

/** The context one collector sees for one container; created once and refreshed every tick. */
class ContainerContext implements CollectorContext {
  container: ContainerInfo;
  cgroup: CgroupPaths;
  monotonicNs = 0n;
  host: HostSnapshot = { cpuTotalNs: 0, onlineCpus: 0, memTotalBytes: 0 };

  constructor(
    private readonly tracked: Tracked,
    private readonly collectorName: string,
    readonly procRoot: string,
    readonly sysRoot: string,
    private readonly files: KeptFiles,
    readonly errors: ReadErrors,
  ) {
    this.container = tracked.container;
    this.cgroup = NO_CGROUP;
  }

  // A method, not an arrow property: one closure per context was ~120 bytes × 8 per container.
  read(path: string, mode: ReadMode = 'kept'): string | undefined {
    const before = this.errors.revision;
    const text = this.files.read(path, this.container.id, this.collectorName, mode);
    // A fresh failure (not a file already known to be absent) may mean the cgroup is going away.
    if (text === undefined && this.errors.revision !== before) this.tracked.failedPath ??= path;
    return text;
  }
}

/** Cgroup dirs made by path.join are kept for the container's life, as is every path built on them. */
function flattenDirs(cgroup: CgroupPaths): void {
  for (const key in cgroup.dirs) {
    const dir = (cgroup.dirs as Record<string, string | undefined>)[key];
    if (dir) flattenInPlace(dir);
  }
}

interface Tracked {
  container: ContainerInfo;
  /** The pid the kept descriptors were opened for; a new pid means a restart with a fresh cgroup. */
  pid: number;
  contexts: ContainerContext[];
  /** Each collector's state for this container, by collector index. */
  states: unknown[];
  /** First path whose read failed this tick, if any. */
  failedPath?: string;
  /** Its cgroup or process disappeared: not read again (a restart brings a new pid, a fresh entry). */
  vanished: boolean;
  /** The cgroup paths whose strings were flattened. */
  flattened?: CgroupPaths;
}

export class Sampler {
  private readonly collectors: Collector[];
  private readonly hostReader: HostReader;
  private readonly tracked = new Map<string, Tracked>();
  /** Ids of this gather's containers (reused between ticks). */
  private readonly seen = new Set<string>();
  private lastOnlineCpus = 0;
  private readonly brokenCollectors = new Set<string>();
  /**
   * Container samples dropped because the container vanished: the tick that found it gone, and
   * every later tick while discovery still lists it (read_errors counts it once).
   */
  droppedVanished = 0;

  constructor(
    private readonly config: SamplerConfig,
    private readonly files: KeptFiles,
    private readonly errors: ReadErrors,
    collectors?: Collector[],
  ) {
    this.collectors = collectors ?? createEnabledCollectors(config.collectors);
    this.hostReader = new HostReader(config.host.proc_root, files, errors);
  }

  gather(containers: readonly ContainerInfo[]): Sample[] {
    const samples: Sample[] = [];
    this.gatherEach(containers, (sample) => samples.push(sample));
    return samples;
  }

  /**
   * One tick, each sample handed to `onSample` as soon as it is read (the host's first), so that
   * the caller can encode it at once rather than hold every row of the tick. `onSample` must not
   * throw.
   */
  gatherEach(containers: readonly ContainerInfo[], onSample: (sample: Sample) => void, onFinal: (sample: Sample) => void = onSample): void {
    const monotonicNs = process.hrtime.bigint();
    if (containers.length > 0) this.beginTick(monotonicNs);
    const snapshot = this.readHost(onSample);
    this.lastOnlineCpus = snapshot.onlineCpus;

    const seen = this.seen;
    seen.clear();
    for (const container of containers) {
      if (!container || typeof container.id !== 'string' || seen.has(container.id)) continue;
      seen.add(container.id);
      const tracked = this.track(container);
      const sample = this.sampleContainer(tracked, monotonicNs, snapshot);
      if (sample) onSample(sample);
    }
    for (const id of this.tracked.keys()) if (!seen.has(id)) this.forget(id);
    this.gatherFinal(monotonicNs, onFinal);
    this.files.endOfTick();
  }

  private beginTick(monotonicNs: bigint): void {
    for (const collector of this.collectors) {
      if (!collector.beginTick) continue;
      try {
        collector.beginTick(monotonicNs);
      } catch (err) {
        log.warn('collector failed to prepare a tick', { collector: collector.name, error: err });
      }
    }
  }

  /** Discovery saw a run of this container end: collectors may owe it a last row (see Collector.final). */
  departed(container: ContainerInfo): void {
    const tracked = this.tracked.get(container.id);
    for (let i = 0; i < this.collectors.length; i++) {
      try {
        this.collectors[i].departed?.(container, tracked?.states[i]);
      } catch (err) {
        log.warn('collector failed to note a departed container', { collector: this.collectors[i].name, error: err });
      }
    }
  }

  /** Docker reported an OOM kill in this container (see Collector.oomReported). */
  oomReported(id: string): void {
    const tracked = this.tracked.get(id);
    if (!tracked) return;
    for (let i = 0; i < this.collectors.length; i++) this.collectors[i].oomReported?.(tracked.states[i]);
  }

  /** After the live containers (and the forgetting of those gone): the departed ones' last rows. */
  private gatherFinal(monotonicNs: bigint, onFinal: (sample: Sample) => void): void {
    const runningPid = (id: string): number | undefined => this.tracked.get(id)?.pid;
    for (const collector of this.collectors) {
      if (!collector.final) continue;
      const out: Sample[] = [];
      try {
        collector.final(monotonicNs, runningPid, out);
      } catch (err) {
        this.errors.count(collector.name, 'malformed');
        log.error('collector failed to give the last rows of departed containers', { collector: collector.name, error: err });
        continue;
      }
      for (const sample of out) onFinal(sample);
    }
  }

  private readHost(onSample: (sample: Sample) => void): HostSnapshot {
    try {
      const { snapshot, rows } = this.hostReader.read(this.config.collectors.host.enabled);
      if (rows.length > 0) onSample({ container: null, rows });
      return snapshot;
    } catch (err) {
      this.errors.count('host', 'malformed');
      log.error('reading the host snapshot failed', { error: err });
      return { cpuTotalNs: 0, onlineCpus: this.lastOnlineCpus, memTotalBytes: 0 };
    }
  }

  /** Closes every descriptor and drops all state (shutdown). */
  close(): void {
    for (const id of [...this.tracked.keys()]) this.forget(id, 'closed');
    this.files.closeAll();
  }

  /** The collector of that name, when enabled (the daemon finds the processes collector's book). */
  collector(name: string): Collector | undefined {
    return this.collectors.find((c) => c.name === name);
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  private track(container: ContainerInfo): Tracked {
    let tracked = this.tracked.get(container.id);
    if (tracked && tracked.pid !== container.pid) {
      // Restarted: new cgroup files, counters from zero. Start over rather than mix the two.
      this.forget(container.id);
      tracked = undefined;
    }
    if (!tracked) {
      tracked = { container, pid: container.pid, contexts: [], states: [], vanished: false };
      for (const collector of this.collectors) {
        tracked.contexts.push(new ContainerContext(tracked, collector.name, this.config.host.proc_root, this.config.host.sys_root, this.files, this.errors));
        tracked.states.push(collector.createState());
      }
      this.tracked.set(container.id, tracked);
    }
    if (container.cgroup && container.cgroup !== tracked.flattened) {
      flattenDirs(container.cgroup);
      tracked.flattened = container.cgroup;
    }
    tracked.container = container;
    return tracked;
  }

  private sampleContainer(tracked: Tracked, monotonicNs: bigint, host: HostSnapshot): Sample | undefined {
    const container = tracked.container;
    // Still listed by discovery, but its cgroup is gone: nothing to read until it leaves or restarts.
    if (tracked.vanished) {
      this.droppedVanished++;
      return undefined;
    }
    // Without a process (created, exited) Docker has removed the cgroup: only status applies, and
    // the other collectors are not run (they would count a missing file or pid every tick).
    const cgroup = container.pid > 0 && container.cgroup ? container.cgroup : NO_CGROUP;
    const noProcess = !(container.pid > 0);
    const rows: Row[] = [];
    tracked.failedPath = undefined;
    for (let i = 0; i < this.collectors.length; i++) {
      const collector = this.collectors[i];
      if (noProcess && !collector.withoutProcess) continue;
      const ctx = tracked.contexts[i];
      ctx.container = container;
      ctx.cgroup = cgroup;
      ctx.monotonicNs = monotonicNs;
      ctx.host = host;
      const mark = rows.length;
      try {
        collector.collect(ctx, tracked.states[i], rows);
      } catch (err) {
        // A collector bug must not cost the other collectors' rows: drop only its own.
        rows.length = mark;
        this.errors.count(collector.name, 'malformed');
        if (!this.brokenCollectors.has(collector.name)) {
          this.brokenCollectors.add(collector.name);
          log.error('collector failed; its rows are skipped (reported once per collector)', { collector: collector.name, container: container.name, error: err });
        }
      }
    }
    if (tracked.failedPath !== undefined && this.isGone(tracked, tracked.failedPath)) {
      this.droppedVanished++;
      this.errors.count(NAME, 'vanished');
      tracked.vanished = true;
      this.files.release(container.id);
      return undefined;
    }
    if (rows.length === 0) return undefined;
    return { container, rows };
  }

  /** True when the directory of the failed file, or the container's process, is gone. */
  private isGone(tracked: Tracked, failedPath: string): boolean {
    const slash = failedPath.lastIndexOf('/');
    if (slash > 0 && !existsSync(failedPath.slice(0, slash))) return true;
    const pid = tracked.container.pid;
    return pid > 0 && !existsSync(`${this.config.host.proc_root}/${pid}`);
  }

  private forget(id: string, why: 'left' | 'closed' = 'left'): void {
    const tracked = this.tracked.get(id);
    this.tracked.delete(id);
    this.files.release(id);
    if (!tracked) return;
    for (let i = 0; i < this.collectors.length; i++) {
      const collector = this.collectors[i];
      try {
        collector.release?.(tracked.states[i], why);
      } catch (err) {
        log.warn('collector failed to release a container', { collector: collector.name, error: err });
      }
    }
  }
}
