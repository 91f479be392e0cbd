// Realistic contents of the kernel files of one synthetic container, in the kernel's formats
// (cgroup-v1 memory.txt / cpuacct.txt / blkio-controller.rst, cgroup-v2.rst, proc(5)). Numbers are
// derived from the container's index so that files differ between containers (and parse to
// distinct values) without any randomness: two runs generate the same tree.

/** A deterministic, realistic-width counter for container `i`, quantity `k`. */
function n(i: number, k: number, scale = 1_000_000): number {
  return ((i + 1) * 7919 * (k + 3) + k * 104_729) % (scale * 97) + scale;
}

export function v1MemoryStat(i: number): string {
  const keys = [
    'cache', 'rss', 'rss_huge', 'shmem', 'mapped_file', 'dirty', 'writeback', 'workingset_refault_anon',
    'workingset_refault_file', 'swap', 'swapcached', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault',
    'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
  ];
  let text = '';
  keys.forEach((k, j) => (text += `${k} ${n(i, j)}\n`));
  text += 'hierarchical_memory_limit 9223372036854771712\nhierarchical_memsw_limit 9223372036854771712\n';
  keys.forEach((k, j) => (text += `total_${k} ${n(i, j + 40)}\n`));
  return text;
}

export function v2MemoryStat(i: number): string {
  const keys = [
    'anon', 'file', 'kernel', 'kernel_stack', 'pagetables', 'sec_pagetables', 'percpu', 'sock', 'vmalloc',
    'shmem', 'zswap', 'zswapped', 'file_mapped', 'file_dirty', 'file_writeback', 'swapcached', 'anon_thp',
    'file_thp', 'shmem_thp', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
    'slab_reclaimable', 'slab_unreclaimable', 'slab', 'workingset_refault_anon', 'workingset_refault_file',
    'workingset_activate_anon', 'workingset_activate_file', 'workingset_restore_anon',
    'workingset_restore_file', 'workingset_nodereclaim', 'pgscan', 'pgsteal', 'pgscan_kswapd',
    'pgscan_direct', 'pgscan_khugepaged', 'pgsteal_kswapd', 'pgsteal_direct', 'pgsteal_khugepaged',
    'pgfault', 'pgmajfault', 'pgrefill', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pglazyfreed',
    'zswpin', 'zswpout', 'thp_fault_alloc', 'thp_collapse_alloc',
  ];
  let text = '';
  keys.forEach((k, j) => (text += `${k} ${n(i, j)}\n`));
  return text;
}

export function v1CpuacctStat(i: number): string {
  return `user ${n(i, 1, 10_000)}\nsystem ${n(i, 2, 10_000)}\n`;
}

export function v1CpuStat(i: number): string {
  return `nr_periods ${n(i, 3, 1000)}\nnr_throttled ${n(i, 4, 100)}\nthrottled_time ${n(i, 5)}\nnr_bursts 0\nburst_time 0\n`;
}

export function v2CpuStat(i: number): string {
  return (
    `usage_usec ${n(i, 1)}\nuser_usec ${n(i, 2)}\nsystem_usec ${n(i, 3)}\ncore_sched.force_idle_usec 0\n` +
    `nr_periods ${n(i, 4, 1000)}\nnr_throttled ${n(i, 5, 100)}\nthrottled_usec ${n(i, 6)}\nnr_bursts 0\nburst_usec 0\n`
  );
}

const DEVICES = ['8:0', '8:16'];

export function v1Blkio(i: number, ops: boolean): string {
  let text = '';
  for (const [d, dev] of DEVICES.entries()) {
    const scale = ops ? 1000 : 1_000_000;
    const read = n(i, 10 + d, scale);
    const write = n(i, 20 + d, scale);
    text += `${dev} Read ${read}\n${dev} Write ${write}\n${dev} Sync ${write}\n${dev} Async ${read}\n`;
    text += `${dev} Discard 0\n${dev} Total ${read + write}\n`;
  }
  return text + `Total ${n(i, 30)}\n`;
}

export function v2IoStat(i: number): string {
  return DEVICES.map(
    (dev, d) =>
      `${dev} rbytes=${n(i, 10 + d)} wbytes=${n(i, 20 + d)} rios=${n(i, 12 + d, 1000)} wios=${n(i, 22 + d, 1000)} dbytes=0 dios=0\n`,
  ).join('');
}

export function pressure(i: number, full: boolean): string {
  const line = (kind: string, k: number) =>
    `${kind} avg10=${((n(i, k, 10) % 1000) / 100).toFixed(2)} avg60=${((n(i, k + 1, 10) % 300) / 100).toFixed(2)} avg300=0.05 total=${n(i, k + 2)}\n`;
  return line('some', 1) + (full ? line('full', 4) : 'full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
}

export function netDev(i: number): string {
  const head =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  const row = (name: string, k: number) =>
    `${name.padStart(6)}: ${n(i, k)} ${n(i, k + 1, 1000)}    0    0    0     0          0         0 ${n(i, k + 2)} ${n(i, k + 3, 1000)}    0    0    0     0       0          0\n`;
  return head + row('lo', 40) + row('eth0', 50);
}

/** /proc/<pid>/status of one task (the fields the kernel prints, abridged to the realistic ones). */
export function taskStatus(i: number, tgid: number, tid: number, name: string): string {
  return (
    `Name:\t${name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${tgid}\nNgid:\t0\nPid:\t${tid}\nPPid:\t${tgid - 1}\n` +
    `TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \nNStgid:\t${tgid}\t1\nNSpid:\t${tid}\t1\n` +
    `VmPeak:\t    4400 kB\nVmSize:\t    4400 kB\nVmRSS:\t    1040 kB\nRssAnon:\t      96 kB\nRssFile:\t     944 kB\n` +
    `Threads:\t1\nSigQ:\t0/96365\nCapEff:\t00000000a80425fb\nSeccomp:\t2\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n` +
    `Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t${n(i, tid % 7, 1000)}\nnonvoluntary_ctxt_switches:\t${n(i, tid % 5, 10)}\n`
  );
}

/** /proc/stat of a host `tick` seconds later than the first (every column advances). */
export function procStat(cores: number, tick = 0): string {
  const t = tick * 100;
  let text = `cpu  ${4705 + t} 150 ${1120 + t} ${16250856 + t * cores} 1040 0 130 0 0 0\n`;
  for (let c = 0; c < cores; c++) text += `cpu${c} ${2352 + t / 2} 75 ${560 + t / 2} ${8125428 + t} 520 0 65 0 0 0\n`;
  return text + 'intr 1 0 0\nctxt 25896\nbtime 1763780000\nprocesses 10000\nprocs_running 1\nprocs_blocked 0\n';
}

export const PROC_MEMINFO =
  'MemTotal:       24684572 kB\nMemFree:        24110000 kB\nMemAvailable:   24260000 kB\nBuffers:           12000 kB\n' +
  'Cached:           380000 kB\nSwapCached:            0 kB\nActive:           300000 kB\nInactive:         200000 kB\n' +
  'SwapTotal:             0 kB\nSwapFree:              0 kB\nDirty:               100 kB\nShmem:              8000 kB\n';

/** /proc/<pid>/stat (proc(5): 52 fields after `pid (comm)`). */
export function taskStat(pid: number, name: string): string {
  return (
    `${pid} (${name}) S ${pid - 1} ${pid} ${pid} 0 -1 4194560 1210 0 3 0 12 7 0 0 20 0 1 0 ${pid * 3} 4505600 260 ` +
    '18446744073709551615 1 1 0 0 0 0 0 0 2 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n'
  );
}
