// The container limits its processes' percentages are taken of: CPUs (quota/period or a smaller
// cpuset) and memory bytes. Read when due (LIMITS_REFRESH_NS) like the cpu and memory collectors
// do, kept in the collector's per-container state.
import type { CollectorContext } from '../collector.js';
import { limitCpus } from '../collectors/cpu-read.js';
import { LIMITS_REFRESH_NS, isDue, readParsed } from '../collectors/read-helpers.js';
import { countCpuList } from '../parsers/cpu-list.js';
import { parseCpuMax } from '../parsers/cpu-max.js';
import { V1_UNLIMITED_FROM, parseLimit, parseSingleU64 } from '../parsers/single-value.js';

export interface ContainerLimits {
  at: bigint;
  /** CPUs the container may use; undefined = unlimited. */
  cpus?: number;
  /** Memory limit, bytes; undefined = unlimited (or unreadable). */
  memoryBytes?: number;
}

function v1(ctx: CollectorContext, collector: string): Omit<ContainerLimits, 'at'> {
  const d = ctx.cgroup.dirs;
  let quota: bigint | undefined;
  let period: bigint | undefined;
  if (d.cpu) {
    const q = readParsed(ctx, collector, `${d.cpu}/cpu.cfs_quota_us`, (t) => parseLimit(t));
    if (q && !q.unlimited) {
      quota = q.value;
      period = readParsed(ctx, collector, `${d.cpu}/cpu.cfs_period_us`, parseSingleU64);
    }
  }
  const cpuset = d.cpuset ? readParsed(ctx, collector, `${d.cpuset}/cpuset.effective_cpus`, countCpuList) : undefined;
  const mem = d.memory ? readParsed(ctx, collector, `${d.memory}/memory.limit_in_bytes`, (t) => parseLimit(t, V1_UNLIMITED_FROM)) : undefined;
  return { cpus: limitCpus(quota, period, cpuset, ctx.host.onlineCpus), memoryBytes: mem && !mem.unlimited ? Number(mem.value) : undefined };
}

function v2(ctx: CollectorContext, collector: string): Omit<ContainerLimits, 'at'> {
  const dir = ctx.cgroup.dirs.unified;
  if (!dir) return {};
  const max = readParsed(ctx, collector, `${dir}/cpu.max`, parseCpuMax);
  const cpuset = readParsed(ctx, collector, `${dir}/cpuset.cpus.effective`, countCpuList);
  const mem = readParsed(ctx, collector, `${dir}/memory.max`, (t) => parseLimit(t));
  return { cpus: limitCpus(max?.quotaUs, max?.periodUs, cpuset, ctx.host.onlineCpus), memoryBytes: mem && !mem.unlimited ? Number(mem.value) : undefined };
}

export function containerLimits(ctx: CollectorContext, collector: string, cached: ContainerLimits | undefined): ContainerLimits {
  if (cached && !isDue(cached.at, ctx.monotonicNs, LIMITS_REFRESH_NS)) return cached;
  const read = ctx.cgroup.version === 2 ? v2(ctx, collector) : v1(ctx, collector);
  return { at: ctx.monotonicNs, ...read };
}
