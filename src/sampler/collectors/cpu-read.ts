// Reading a container's CPU figures from cgroup v1 (cpuacct, cpu, cpuset controllers) or v2
// (the unified dir), normalised to ns. Percentages are computed by the cpu collector.
import { existsSync } from 'node:fs';
import type { CgroupPaths } from '../../model.js';
import type { CollectorContext } from '../collector.js';
import { wantedKeys } from '../parsers/flat-keyed.js';
import { parseLimit, parseSingleU64, parseU64List, type Limit } from '../parsers/single-value.js';
import { parseCpuMax } from '../parsers/cpu-max.js';
import { countCpuList } from '../parsers/cpu-list.js';
import { NS_PER_TICK } from '../parsers/proc-stat.js';
import { LIMITS_REFRESH_NS, filePaths, isDue, readFlatKeyed, readParsed, type FilePaths } from './read-helpers.js';

export const CPU_COLLECTOR = 'cpu';

export interface CpuReading {
  usageNs?: bigint;
  userNs?: bigint;
  systemNs?: bigint;
  periods?: bigint;
  throttledPeriods?: bigint;
  throttledNs?: bigint;
  /** CPUs the container may use (quota/period, or its cpuset when smaller than the host); undefined = unlimited. */
  limitCpus?: number;
  /** v1 per-CPU usage, ns, when asked for. */
  perCpuNs?: bigint[];
}

const V1_ACCT = {
  usage: 'cpuacct.usage',
  usageUser: 'cpuacct.usage_user',
  usageSys: 'cpuacct.usage_sys',
  stat: 'cpuacct.stat',
  perCpu: 'cpuacct.usage_percpu',
} as const;
const V1_CPU = { stat: 'cpu.stat', quota: 'cpu.cfs_quota_us', period: 'cpu.cfs_period_us' } as const;
const V1_CPUSET = { effective: 'cpuset.effective_cpus', cpus: 'cpuset.cpus' } as const;
const V2 = { stat: 'cpu.stat', max: 'cpu.max', cpuset: 'cpuset.cpus.effective' } as const;

/** What the readers keep per container: the paths built once, the limits' last reading. */
export interface CpuReadState {
  v1acct?: FilePaths<keyof typeof V1_ACCT>;
  v1cpu?: FilePaths<keyof typeof V1_CPU>;
  v1cpuset?: FilePaths<keyof typeof V1_CPUSET>;
  v2?: FilePaths<keyof typeof V2>;
  limits?: Limits;
  /** v1 hybrid: the unified directory's cpu.stat, when it has one (probed once); null: it has none. */
  hybridStat?: { dir: string; path: string | null };
}

const ACCT_STAT_KEYS = wantedKeys(['user', 'system'] as const);
const V1_CPU_STAT_KEYS = wantedKeys(['nr_periods', 'nr_throttled', 'throttled_time'] as const);
const V2_CPU_STAT_KEYS = wantedKeys(['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'] as const);

const US = 1000n;
const parseQuota = (text: string): Limit | undefined => parseLimit(text);

/** The smaller of the quota and the cpuset; a cpuset that spans every online CPU is no limit. */
export function limitCpus(quotaUs: bigint | undefined, periodUs: bigint | undefined, cpusetCount: number | undefined, onlineCpus: number): number | undefined {
  let limit: number | undefined;
  if (quotaUs !== undefined && periodUs !== undefined && periodUs > 0n) limit = Number(quotaUs) / Number(periodUs);
  if (cpusetCount !== undefined && cpusetCount > 0 && onlineCpus > 0 && cpusetCount < onlineCpus) {
    limit = limit === undefined ? cpusetCount : Math.min(limit, cpusetCount);
  }
  return limit;
}

function quotaOf(limit: Limit | undefined): bigint | undefined {
  return limit && !limit.unlimited ? limit.value : undefined;
}

export function readCpuV1(ctx: CollectorContext, state: CpuReadState, cgroup: CgroupPaths, perCpu: boolean): CpuReading | undefined {
  const acctDir = cgroup.dirs.cpuacct ?? cgroup.dirs.cpu;
  const cpuDir = cgroup.dirs.cpu ?? cgroup.dirs.cpuacct;
  if (!acctDir && !cpuDir) return undefined;
  const r: CpuReading = {};
  const hybrid = !perCpu && cgroup.dirs.unified ? readHybridUsage(ctx, state, cgroup.dirs.unified, r) : 'unavailable';
  if (hybrid !== 'unavailable') {
    // usage, user and system from one file instead of three (or, when it failed, absent this tick)
  } else if (acctDir) {
    const p = (state.v1acct = filePaths(state.v1acct, acctDir, V1_ACCT)).paths;
    r.usageNs = readParsed(ctx, CPU_COLLECTOR, p.usage, parseSingleU64);
    // usage_user/usage_sys (Linux ≥ 4.6) are exact ns; cpuacct.stat only has USER_HZ ticks.
    const user = readParsed(ctx, CPU_COLLECTOR, p.usageUser, parseSingleU64);
    const sys = user === undefined ? undefined : readParsed(ctx, CPU_COLLECTOR, p.usageSys, parseSingleU64);
    if (user !== undefined && sys !== undefined) {
      r.userNs = user;
      r.systemNs = sys;
    } else {
      const stat = readFlatKeyed(ctx, CPU_COLLECTOR, p.stat, ACCT_STAT_KEYS);
      if (stat?.user !== undefined) r.userNs = stat.user * NS_PER_TICK;
      if (stat?.system !== undefined) r.systemNs = stat.system * NS_PER_TICK;
    }
    if (perCpu) r.perCpuNs = readParsed(ctx, CPU_COLLECTOR, p.perCpu, parseU64List);
  }
  const cached = cachedLimits(ctx, state);
  const limits = cached ?? (state.limits = readLimitsV1(ctx, state, cgroup, cpuDir));
  if (cpuDir) {
    // Without a quota the CFS bandwidth timer does not run: nr_periods, nr_throttled and
    // throttled_time cannot move, so cpu.stat is then read with the limits only.
    if (!cached || !limits.noQuota) limits.throttling = readFlatKeyed(ctx, CPU_COLLECTOR, (state.v1cpu = filePaths(state.v1cpu, cpuDir, V1_CPU)).paths.stat, V1_CPU_STAT_KEYS);
    const stat = limits.throttling;
    r.periods = stat?.nr_periods;
    r.throttledPeriods = stat?.nr_throttled;
    r.throttledNs = stat?.throttled_time;
  }
  r.limitCpus = limitCpus(limits.quotaUs, limits.periodUs, limits.cpusetCount, ctx.host.onlineCpus);
  return r;
}

const HYBRID_STAT_KEYS = wantedKeys(['usage_usec', 'user_usec', 'system_usec'] as const);

/**
 * A v1 hybrid host also puts the container in a cgroup of the v2 hierarchy, whose cpu.stat holds
 * the same scheduler runtime as cpuacct.usage (in µs, with the user/system split) without any
 * controller enabled: one read instead of cpuacct.usage, .usage_user and .usage_sys.
 * `unavailable`: the file is absent or lacks usage_usec, the cpuacct files are read instead.
 * `failed`: the read failed and was counted; usage is absent this tick rather than counted twice
 * (a container that vanished fails every file), and from the next tick cpuacct is read.
 */
function readHybridUsage(ctx: CollectorContext, state: CpuReadState, unifiedDir: string, r: CpuReading): 'read' | 'failed' | 'unavailable' {
  let probe = state.hybridStat;
  if (!probe || probe.dir !== unifiedDir) {
    const path = `${unifiedDir}/cpu.stat`;
    state.hybridStat = probe = { dir: unifiedDir, path: existsSync(path) ? path : null };
  }
  if (probe.path === null) return 'unavailable';
  const stat = readFlatKeyed(ctx, CPU_COLLECTOR, probe.path, HYBRID_STAT_KEYS);
  if (stat === undefined) {
    probe.path = null;
    return 'failed';
  }
  if (stat.usage_usec === undefined) {
    probe.path = null; // a kernel whose file has no usage_usec: not asked again
    return 'unavailable';
  }
  r.usageNs = stat.usage_usec * US;
  if (stat.user_usec !== undefined) r.userNs = stat.user_usec * US;
  if (stat.system_usec !== undefined) r.systemNs = stat.system_usec * US;
  return 'read';
}

/** The limit files' last reading (see LIMITS_REFRESH_NS). */
interface Limits {
  at: bigint;
  quotaUs?: bigint;
  periodUs?: bigint;
  cpusetCount?: number;
  /** v1: cpu.cfs_quota_us said -1 (not merely unreadable). */
  noQuota?: boolean;
  /** v1 cpu.stat's last reading (every tick under a quota, else with the limits). */
  throttling?: Partial<Record<'nr_periods' | 'nr_throttled' | 'throttled_time', bigint>>;
}

/** The last reading while it is fresh; undefined when the files are due to be read again. */
function cachedLimits(ctx: CollectorContext, state: CpuReadState): Limits | undefined {
  const cached = state.limits;
  return cached && !isDue(cached.at, ctx.monotonicNs, LIMITS_REFRESH_NS) ? cached : undefined;
}

function readLimitsV1(ctx: CollectorContext, state: CpuReadState, cgroup: CgroupPaths, cpuDir: string | undefined): Limits {
  let quotaUs: bigint | undefined;
  let periodUs: bigint | undefined;
  let noQuota = false;
  if (cpuDir) {
    const p = (state.v1cpu = filePaths(state.v1cpu, cpuDir, V1_CPU)).paths;
    const quota = readParsed(ctx, CPU_COLLECTOR, p.quota, parseQuota, 'rare');
    noQuota = quota?.unlimited === true;
    quotaUs = quotaOf(quota);
    if (quotaUs !== undefined) periodUs = readParsed(ctx, CPU_COLLECTOR, p.period, parseSingleU64, 'rare');
  }
  let cpusetCount: number | undefined;
  if (cgroup.dirs.cpuset) {
    const p = (state.v1cpuset = filePaths(state.v1cpuset, cgroup.dirs.cpuset, V1_CPUSET)).paths;
    // effective_cpus is what the scheduler applies (cpus ∩ the parent's); older kernels lack it.
    cpusetCount = readParsed(ctx, CPU_COLLECTOR, p.effective, countCpuList, 'rare') ?? readParsed(ctx, CPU_COLLECTOR, p.cpus, countCpuList, 'rare');
  }
  return { at: ctx.monotonicNs, quotaUs, periodUs, cpusetCount, noQuota };
}

export function readCpuV2(ctx: CollectorContext, state: CpuReadState, dir: string): CpuReading {
  const p = (state.v2 = filePaths(state.v2, dir, V2)).paths;
  const r: CpuReading = {};
  const stat = readFlatKeyed(ctx, CPU_COLLECTOR, p.stat, V2_CPU_STAT_KEYS);
  if (stat) {
    if (stat.usage_usec !== undefined) r.usageNs = stat.usage_usec * US;
    if (stat.user_usec !== undefined) r.userNs = stat.user_usec * US;
    if (stat.system_usec !== undefined) r.systemNs = stat.system_usec * US;
    // Throttling keys exist only when the cpu controller is enabled for the cgroup.
    r.periods = stat.nr_periods;
    r.throttledPeriods = stat.nr_throttled;
    if (stat.throttled_usec !== undefined) r.throttledNs = stat.throttled_usec * US;
  }
  const limits = cachedLimits(ctx, state) ?? (state.limits = readLimitsV2(ctx, p.max, p.cpuset));
  r.limitCpus = limitCpus(limits.quotaUs, limits.periodUs, limits.cpusetCount, ctx.host.onlineCpus);
  return r;
}

function readLimitsV2(ctx: CollectorContext, maxPath: string, cpusetPath: string): Limits {
  const max = readParsed(ctx, CPU_COLLECTOR, maxPath, parseCpuMax, 'rare');
  const cpusetCount = readParsed(ctx, CPU_COLLECTOR, cpusetPath, countCpuList, 'rare');
  return { at: ctx.monotonicNs, quotaUs: max?.quotaUs, periodUs: max?.periodUs, cpusetCount };
}
