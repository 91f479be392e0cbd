// docker_container_cpu: cumulative CPU time (ns), throttling, and the two percentages:
//   usage_percent          = Δusage / Δhost CPU time × online CPUs × 100  (docker stats' CPU %)
//   usage_percent_of_limit = Δusage / (Δwall × limit_cpus) × 100          (100 = the whole limit)
// Both need the previous tick's counters, so they are absent on a container's first tick, and
// after a counter went backwards (the container restarted with a fresh cgroup).
import type { Row } from '../../model.js';
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import { CPU_COLLECTOR, readCpuV1, readCpuV2, type CpuReadState, type CpuReading } from './cpu-read.js';

export const CPU_MEASUREMENT = 'docker_container_cpu';
const TOTAL_TAGS = Object.freeze({ cpu: 'cpu-total' });
const perCpuTags: Array<Readonly<Record<string, string>>> = [];

function perCpuTag(index: number): Readonly<Record<string, string>> {
  return (perCpuTags[index] ??= Object.freeze({ cpu: `cpu${index}` }));
}

interface CpuState extends CpuReadState {
  /** The last tick's counters, for the percentages. */
  previous?: { usageNs: bigint; hostCpuNs: number; monotonicNs: bigint };
}

export interface CpuOptions {
  /** Also emit one row per CPU (`cpu0`…) with usage_total; cgroup v1 only (v2 has no per-CPU file). */
  perCpu: boolean;
}

export function createCpuCollector(options: CpuOptions): Collector<CpuState> {
  return {
    name: CPU_COLLECTOR,
    createState: () => ({}),
    collect(ctx, state, out) {
      const cgroup = ctx.cgroup;
      let reading: CpuReading | undefined;
      if (cgroup.version === 2) reading = cgroup.dirs.unified ? readCpuV2(ctx, state, cgroup.dirs.unified) : undefined;
      else reading = readCpuV1(ctx, state, cgroup, options.perCpu);
      if (!reading) return;
      const fields = totalFields(ctx, state, reading);
      if (!fields) return;
      out.push({ measurement: CPU_MEASUREMENT, tags: TOTAL_TAGS, fields });
      const perCpu = reading.perCpuNs;
      if (perCpu) {
        for (let i = 0; i < perCpu.length; i++) out.push({ measurement: CPU_MEASUREMENT, tags: perCpuTag(i), fields: { usage_total: perCpu[i] } });
      }
    },
  };
}

function totalFields(ctx: CollectorContext, state: CpuState, r: CpuReading): Row['fields'] | undefined {
  if (r.usageNs === undefined && r.userNs === undefined && r.systemNs === undefined && r.periods === undefined && r.throttledNs === undefined) return undefined;
  const fields: Row['fields'] = {};
  const host = ctx.host;
  if (r.usageNs !== undefined) fields.usage_total = r.usageNs;
  if (r.userNs !== undefined) fields.usage_in_usermode = r.userNs;
  if (r.systemNs !== undefined) fields.usage_in_kernelmode = r.systemNs;
  if (host.cpuTotalNs > 0) fields.usage_system = host.cpuTotalNsExact ?? BigInt(Math.round(host.cpuTotalNs));
  if (r.periods !== undefined) fields.throttling_periods = r.periods;
  if (r.throttledPeriods !== undefined) fields.throttling_throttled_periods = r.throttledPeriods;
  if (r.throttledNs !== undefined) fields.throttling_throttled_time = r.throttledNs;
  if (r.usageNs !== undefined) {
    const previous = state.previous;
    if (previous) {
      const usageDelta = Number(r.usageNs - previous.usageNs);
      const hostDelta = host.cpuTotalNs - previous.hostCpuNs;
      const wallDelta = Number(ctx.monotonicNs - previous.monotonicNs);
      if (usageDelta >= 0) {
        if (hostDelta > 0 && host.onlineCpus > 0) fields.usage_percent = (usageDelta / hostDelta) * host.onlineCpus * 100;
        if (r.limitCpus !== undefined && r.limitCpus > 0 && wallDelta > 0) fields.usage_percent_of_limit = (usageDelta / (wallDelta * r.limitCpus)) * 100;
      }
    }
    if (previous) {
      previous.usageNs = r.usageNs;
      previous.hostCpuNs = host.cpuTotalNs;
      previous.monotonicNs = ctx.monotonicNs;
    } else {
      state.previous = { usageNs: r.usageNs, hostCpuNs: host.cpuTotalNs, monotonicNs: ctx.monotonicNs };
    }
  }
  if (r.limitCpus !== undefined) fields.limit_cpus = r.limitCpus;
  if (host.onlineCpus > 0) fields.online_cpus = BigInt(host.onlineCpus);
  return fields;
}

/** `collectors.cpu`; `per_cpu` adds one row per CPU (v1). */
export const cpuCollector = defineCollector({
  name: CPU_COLLECTOR,
  spec: { per_cpu: { leaf: { kind: 'bool' } } },
  defaults: { enabled: true, per_cpu: false },
  create: (settings) => createCpuCollector({ perCpu: settings.per_cpu }),
});
