// A synthetic Docker host on disk: the cgroup (v1 or v2) and procfs files of `count` containers,
// written below one root (a tmpfs in the benchmark), plus the ContainerInfos that point at them.
// The sampler is configured with proc_root/cgroup_root/sys_root inside the tree and cannot tell
// it from a real host, which lets the benchmark measure 5,000 containers on a 2-core machine.
//   <root>/proc          proc_root: stat, meminfo, <pid>/{status,cgroup,oom_score_adj,net/dev,task/<tid>/status}, <tid>/status
//   <root>/cgroup        cgroup_root: v1 <controller>/docker/<id>/…  |  v2 system.slice/docker-<id>.scope/…
//   <root>/sys           sys_root: dev/block/<maj:min>/uevent
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupPaths, ContainerInfo } from '../../src/model.js';
import * as c from './contents.js';

export type Layout = 'v1' | 'v2';

export interface TreeRoots {
  procRoot: string;
  cgroupRoot: string;
  sysRoot: string;
}

export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids'] as const;
const BENCH_LABEL = 'io.cgflux.bench';
const HOST_CORES = 2;

export function treeRoots(root: string): TreeRoots {
  return { procRoot: join(root, 'proc'), cgroupRoot: join(root, 'cgroup'), sysRoot: join(root, 'sys') };
}

/** 64-hex id of synthetic container `i` (deterministic). */
export function syntheticId(i: number): string {
  const seed = (i + 1).toString(16).padStart(8, '0');
  return (seed + 'cf1ec0de').repeat(4);
}

/** Init pid of container `i`; its processes are pid (threads pid, pid+1) and pid+2. */
export function syntheticPid(i: number): number {
  return 10_000 + i * 4;
}

export function cgroupPathsOf(roots: TreeRoots, layout: Layout, id: string): CgroupPaths {
  if (layout === 'v2') {
    return { version: 2, driver: 'systemd', dirs: { unified: join(roots.cgroupRoot, 'system.slice', `docker-${id}.scope`) } };
  }
  const dirs: CgroupPaths['dirs'] = {};
  for (const ctl of V1_CONTROLLERS) dirs[ctl] = join(roots.cgroupRoot, ctl, 'docker', id);
  return { version: 1, driver: 'cgroupfs', dirs };
}

/** The ContainerInfos of a tree generated with the same arguments (pure: no file is touched). */
export function syntheticContainers(root: string, layout: Layout, count: number): ContainerInfo[] {
  const roots = treeRoots(root);
  const startedAt = Date.UTC(2026, 0, 1);
  const list: ContainerInfo[] = [];
  for (let i = 0; i < count; i++) {
    const id = syntheticId(i);
    const project = `shop${i % 50}`;
    const service = ['web', 'worker', 'cache', 'db'][i % 4];
    list.push({
      id,
      name: `${project}-${service}-${i}`,
      image: `registry.example.com/${project}/${service}`,
      imageTag: `1.${i % 10}.0`,
      labels: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': service,
        'org.opencontainers.image.version': `1.${i % 10}.0`,
        [BENCH_LABEL]: '1',
      },
      composeProject: project,
      composeService: service,
      state: 'running',
      pid: syntheticPid(i),
      restartCount: 0,
      startedAt,
      oomKilled: false,
      exitCode: 0,
      cgroup: cgroupPathsOf(roots, layout, id),
    });
  }
  return list;
}

function write(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const name in files) writeFileSync(join(dir, name), files[name]);
}

function v1Files(i: number, ctl: (typeof V1_CONTROLLERS)[number], procs: string, tasks: string): Record<string, string> {
  const limited = i % 4 === 0;
  const common = { 'cgroup.procs': procs, tasks };
  switch (ctl) {
    case 'cpuacct': {
      const usage = 1_000_000_000 + i * 12_345;
      return {
        ...common,
        'cpuacct.usage': `${usage}\n`,
        'cpuacct.stat': c.v1CpuacctStat(i),
        'cpuacct.usage_user': `${Math.floor(usage * 0.7)}\n`,
        'cpuacct.usage_sys': `${Math.floor(usage * 0.3)}\n`,
        'cpuacct.usage_percpu': `${Math.floor(usage / 2)} ${Math.ceil(usage / 2)} \n`,
        'cpuacct.usage_percpu_user': `${Math.floor(usage * 0.35)} ${Math.floor(usage * 0.35)} \n`,
        'cpuacct.usage_percpu_sys': `${Math.floor(usage * 0.15)} ${Math.floor(usage * 0.15)} \n`,
      };
    }
    case 'cpu':
      return {
        ...common,
        'cpu.stat': c.v1CpuStat(i),
        'cpu.cfs_quota_us': limited ? '50000\n' : '-1\n',
        'cpu.cfs_period_us': '100000\n',
        'cpu.shares': '1024\n',
      };
    case 'cpuset':
      return { ...common, 'cpuset.cpus': '0-1\n', 'cpuset.effective_cpus': '0-1\n' };
    case 'memory':
      return {
        ...common,
        'memory.stat': c.v1MemoryStat(i),
        'memory.usage_in_bytes': `${20_000_000 + i * 4096}\n`,
        'memory.limit_in_bytes': limited ? '268435456\n' : '9223372036854771712\n',
        'memory.max_usage_in_bytes': `${30_000_000 + i * 4096}\n`,
        'memory.failcnt': '0\n',
        'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
        'memory.memsw.usage_in_bytes': `${20_000_000 + i * 4096}\n`,
        'memory.memsw.limit_in_bytes': '9223372036854771712\n',
      };
    case 'blkio': {
      const bytes = c.v1Blkio(i, false);
      const ops = c.v1Blkio(i, true);
      return {
        ...common,
        'blkio.throttle.io_service_bytes_recursive': bytes,
        'blkio.throttle.io_serviced_recursive': ops,
        'blkio.io_service_bytes_recursive': bytes,
        'blkio.io_serviced_recursive': ops,
        'blkio.bfq.io_service_bytes_recursive': bytes,
        'blkio.bfq.io_serviced_recursive': ops,
      };
    }
    case 'pids':
      return { ...common, 'pids.current': '3\n', 'pids.max': limited ? '100\n' : 'max\n' };
  }
}

function v2Files(i: number, procs: string, threads: string): Record<string, string> {
  const limited = i % 4 === 0;
  return {
    'cgroup.procs': procs,
    'cgroup.threads': threads,
    'cgroup.events': 'populated 1\nfrozen 0\n',
    'cpu.stat': c.v2CpuStat(i),
    'cpu.max': limited ? '50000 100000\n' : 'max 100000\n',
    'cpu.weight': '100\n',
    'cpuset.cpus.effective': '0-1\n',
    'memory.current': `${20_000_000 + i * 4096}\n`,
    'memory.max': limited ? '268435456\n' : 'max\n',
    'memory.peak': `${30_000_000 + i * 4096}\n`,
    'memory.swap.current': '0\n',
    'memory.swap.max': 'max\n',
    'memory.stat': c.v2MemoryStat(i),
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
    'io.stat': c.v2IoStat(i),
    'pids.current': '3\n',
    'pids.max': limited ? '100\n' : 'max\n',
    'cpu.pressure': c.pressure(i, true),
    'memory.pressure': c.pressure(i, true),
    'io.pressure': c.pressure(i, true),
  };
}

function writeProc(roots: TreeRoots, layout: Layout, i: number, id: string): void {
  const pid = syntheticPid(i);
  const cgroupLine = layout === 'v2' ? `0::/system.slice/docker-${id}.scope\n` : V1_CONTROLLERS.map((ctl, k) => `${k + 2}:${ctl}:/docker/${id}\n`).join('') + '1:name=systemd:/docker/' + id + '\n';
  const tasksOf: Array<[number, number[]]> = [
    [pid, [pid, pid + 1]],
    [pid + 2, [pid + 2]],
  ];
  for (const [tgid, tids] of tasksOf) {
    const dir = join(roots.procRoot, String(tgid));
    const name = tgid === pid ? 'app' : 'helper';
    // The network collector checks that the pid is still alive with oom_score_adj.
    write(dir, { status: c.taskStatus(i, tgid, tgid, name), stat: c.taskStat(tgid, name), cgroup: cgroupLine, oom_score_adj: '0\n' });
    write(join(dir, 'net'), { dev: c.netDev(i) });
    for (const tid of tids) {
      const status = c.taskStatus(i, tgid, tid, name);
      const stat = c.taskStat(tid, name);
      write(join(dir, 'task', String(tid)), { status, stat });
      // procfs also resolves /proc/<tid> for a thread that is not a group leader.
      if (tid !== tgid) write(join(roots.procRoot, String(tid)), { status, stat });
    }
  }
}

/** Writes the host-level files and `count` containers of `layout` below `root`; returns their infos. */
export function generateTree(root: string, layout: Layout, count: number): ContainerInfo[] {
  const roots = treeRoots(root);
  write(roots.procRoot, { stat: c.procStat(HOST_CORES), meminfo: c.PROC_MEMINFO, loadavg: '0.10 0.20 0.30 1/200 12345\n' });
  write(join(roots.sysRoot, 'dev', 'block', '8:0'), { uevent: 'MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n' });
  write(join(roots.sysRoot, 'dev', 'block', '8:16'), { uevent: 'MAJOR=8\nMINOR=16\nDEVNAME=sdb\nDEVTYPE=disk\n' });
  if (layout === 'v2') {
    write(roots.cgroupRoot, {
      'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
      'cgroup.subtree_control': 'cpuset cpu io memory pids\n',
    });
  }
  const containers = syntheticContainers(root, layout, count);
  containers.forEach((info, i) => {
    const pid = syntheticPid(i);
    const procs = `${pid}\n${pid + 2}\n`;
    const tasks = `${pid}\n${pid + 1}\n${pid + 2}\n`;
    if (layout === 'v2') write(info.cgroup!.dirs.unified!, v2Files(i, procs, tasks));
    else for (const ctl of V1_CONTROLLERS) write(info.cgroup!.dirs[ctl]!, v1Files(i, ctl, procs, tasks));
    writeProc(roots, layout, i, info.id);
  });
  return containers;
}
