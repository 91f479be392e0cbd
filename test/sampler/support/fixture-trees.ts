// The cgroup v1 and v2 fixture trees (test/fixtures/cgroup-v1, cgroup-v2) as the sampler sees
// them: CgroupPaths of each fixture container, a ContainerInfo, and a context to run one collector
// over them with real KeptFiles and ReadErrors.
import { fileURLToPath } from 'node:url';
import type { CgroupPaths, ContainerInfo, Row } from '../../../src/model.js';
import type { Collector, CollectorContext, HostSnapshot } from '../../../src/sampler/collector.js';
import { KeptFiles } from '../../../src/sampler/kept-files.js';
import { ReadErrors } from '../../../src/errors/read-errors.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const V1_ROOT = `${FIXTURES}cgroup-v1`;
export const V2_ROOT = `${FIXTURES}cgroup-v2`;
/** A recent v1 kernel with a CPU quota, a cpuset, memory and pids limits. */
export const V1_ID = '5e1ec7ed'.repeat(8);
/** An older v1 kernel (4.4-like): no cpuacct.usage_user, no effective_cpus, no oom_kill, no limits. */
export const V1_OLD_ID = 'c0dec0de'.repeat(8);
export const V2_ID = 'decade00'.repeat(8);

export function v1Paths(root: string, id: string): CgroupPaths {
  const dir = (c: string): string => `${root}/sys/fs/cgroup/${c}/docker/${id}`;
  return {
    version: 1,
    driver: 'cgroupfs',
    dirs: { cpu: dir('cpu'), cpuacct: dir('cpuacct'), cpuset: dir('cpuset'), memory: dir('memory'), blkio: dir('blkio'), pids: dir('pids') },
  };
}

/** v2, cgroupfs driver: a 6.x kernel with all controllers enabled and limits set. */
export function v2CgroupfsPaths(root: string, id = V2_ID): CgroupPaths {
  return { version: 2, driver: 'cgroupfs', dirs: { unified: `${root}/sys/fs/cgroup/docker/${id}` } };
}

/** v2, systemd driver: a 5.10 kernel, cpu controller off, no limits, no memory.peak. */
export function v2SystemdPaths(root: string, id = V2_ID): CgroupPaths {
  return { version: 2, driver: 'systemd', dirs: { unified: `${root}/sys/fs/cgroup/system.slice/docker-${id}.scope` } };
}

export function containerInfo(id: string, overrides: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id, name: `fixture-${id.slice(0, 8)}`, image: 'busybox', imageTag: 'latest', labels: {}, state: 'running',
    pid: 4100, restartCount: 0, oomKilled: false, exitCode: 0, ...overrides,
  };
}

/** 8 online CPUs, like the fixtures' proc/stat. */
export const HOST: HostSnapshot = { cpuTotalNs: 1e12, cpuTotalNsExact: 1_000_000_000_000n, onlineCpus: 8, memTotalBytes: 16694620160 };

export interface CollectorRun {
  ctx: CollectorContext;
  errors: ReadErrors;
  files: KeptFiles;
  /** The collector's state for this container (for its hooks: departed, oomReported). */
  state: unknown;
  /** One tick of the collector at the given clock and host snapshot. */
  collect(tick?: { monotonicNs?: bigint; host?: HostSnapshot }): Row[];
}

export function runCollector(collector: Collector, cgroup: CgroupPaths, container: ContainerInfo = containerInfo(V1_ID)): CollectorRun {
  const errors = new ReadErrors();
  const files = new KeptFiles(errors);
  const ctx: CollectorContext = {
    container, cgroup, procRoot: '/nonexistent/proc', sysRoot: '/nonexistent/sys', errors,
    read: (path, mode) => files.read(path, container.id, collector.name, mode),
    monotonicNs: 1_000_000_000n,
    host: HOST,
  };
  const state = collector.createState();
  return {
    ctx, errors, files, state,
    collect(tick = {}) {
      ctx.monotonicNs = tick.monotonicNs ?? ctx.monotonicNs;
      ctx.host = tick.host ?? ctx.host;
      const out: Row[] = [];
      collector.collect(ctx, state, out);
      return out;
    },
  };
}

/** [collector, reason, count] sorted, for exact comparisons. */
export function errorList(errors: ReadErrors): Array<[string, string, number]> {
  return errors.entries().sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));
}
