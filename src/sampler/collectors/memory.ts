// docker_container_mem. `usage` is what `docker stats` shows: the charged memory minus the
// inactive page cache (v1 usage_in_bytes − total_inactive_file, v2 memory.current −
// inactive_file), i.e. the working set the kernel cannot reclaim cheaply. v1 reads the total_*
// keys of memory.stat, which include the child cgroups. No limit (v2 `max`, v1's huge value)
// leaves `limit` and `usage_percent` out.
import type { Row } from '../../model.js';
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import { wantedKeys } from '../parsers/flat-keyed.js';
import { V1_UNLIMITED_FROM, parseLimit, parseSingleU64, type Limit } from '../parsers/single-value.js';
import { LIMITS_REFRESH_NS, SLOW_COUNTERS_REFRESH_NS, filePaths, isDue, readFlatKeyed, readParsed, type FilePaths } from './read-helpers.js';

export const MEMORY_MEASUREMENT = 'docker_container_mem';
const NAME = 'memory';

const V1 = {
  usage: 'memory.usage_in_bytes',
  limit: 'memory.limit_in_bytes',
  maxUsage: 'memory.max_usage_in_bytes',
  failcnt: 'memory.failcnt',
  stat: 'memory.stat',
  oomControl: 'memory.oom_control',
} as const;
const V2 = {
  current: 'memory.current',
  max: 'memory.max',
  peak: 'memory.peak',
  swap: 'memory.swap.current',
  stat: 'memory.stat',
  events: 'memory.events',
} as const;

/** memory.stat key → field, per version. */
const V1_STAT_FIELDS = {
  total_rss: 'rss',
  total_cache: 'cache',
  total_swap: 'swap',
  total_mapped_file: 'mapped_file',
  total_active_anon: 'active_anon',
  total_inactive_anon: 'inactive_anon',
  total_active_file: 'active_file',
  total_inactive_file: 'inactive_file',
  total_pgfault: 'pgfault',
  total_pgmajfault: 'pgmajfault',
} as const;
const V2_STAT_FIELDS = {
  anon: 'rss',
  file: 'cache',
  file_mapped: 'mapped_file',
  active_anon: 'active_anon',
  inactive_anon: 'inactive_anon',
  active_file: 'active_file',
  inactive_file: 'inactive_file',
  pgfault: 'pgfault',
  pgmajfault: 'pgmajfault',
} as const;

const V1_STAT_KEYS = wantedKeys(Object.keys(V1_STAT_FIELDS) as Array<keyof typeof V1_STAT_FIELDS>);
const V2_STAT_KEYS = wantedKeys(Object.keys(V2_STAT_FIELDS) as Array<keyof typeof V2_STAT_FIELDS>);
const OOM_CONTROL_KEYS = wantedKeys(['oom_kill'] as const);
const EVENTS_KEYS = wantedKeys(['oom', 'oom_kill', 'max'] as const);

const parseV1Limit = (text: string): Limit | undefined => parseLimit(text, V1_UNLIMITED_FROM);
const parseV2Limit = (text: string): Limit | undefined => parseLimit(text);

function copyStat<K extends string>(fields: Row['fields'], stat: Partial<Record<K, bigint>> | undefined, names: Record<K, string>): void {
  if (!stat) return;
  for (const key in names) {
    const value = stat[key];
    if (value !== undefined) fields[names[key]] = value;
  }
}

/**
 * The files that are not read every tick, with their last values (shipped every tick). The limit
 * is re-read every LIMITS_REFRESH_NS; the peak every SLOW_COUNTERS_REFRESH_NS (and after an OOM
 * kill); failure and OOM counts every tick while a limit is set, else with the peak (a usage
 * that has no limit of its own cannot fail against it: the kernel counts a failure on the limit
 * that was hit; what kills in it is the host's OOM killer, seen within 30 s, or at the next tick
 * when Docker reports it).
 */
interface Slow {
  limitAt?: bigint;
  limit?: Limit;
  countersAt?: bigint;
  maxUsage?: bigint;
  failCount?: bigint;
  oomEvents?: bigint;
  oomKill?: bigint;
}

/** What one container keeps between ticks. */
interface MemoryState {
  v1?: FilePaths<keyof typeof V1>;
  v2?: FilePaths<keyof typeof V2>;
  slow: Slow;
}

/** Reads the limit when due; true when the slow counters are due too (and marks them read). */
function refreshLimit(ctx: CollectorContext, slow: Slow, path: string, parse: (text: string) => Limit | undefined): boolean {
  const now = ctx.monotonicNs;
  if (isDue(slow.limitAt, now, LIMITS_REFRESH_NS)) {
    const limit = readParsed(ctx, NAME, path, parse, 'rare');
    // A failed read is tried again next tick, not in 30 s (an absent file costs no syscall then).
    if (limit !== undefined) slow.limitAt = now;
    slow.limit = limit;
  }
  if (!isDue(slow.countersAt, now, SLOW_COUNTERS_REFRESH_NS)) return false;
  slow.countersAt = now;
  return true;
}

/** A limit that can be hit (or an unknown one): failures must be read every tick. */
function limited(slow: Slow): boolean {
  return !slow.limit || !slow.limit.unlimited;
}

/**
 * The peak can only have grown since it was read: the charged memory read this tick is a lower
 * bound of it too, so `max_usage` never shows less than the current charge.
 */
function copySlow(fields: Row['fields'], slow: Slow, raw: bigint | undefined): void {
  if (slow.maxUsage !== undefined && raw !== undefined && raw > slow.maxUsage) slow.maxUsage = raw;
  if (slow.maxUsage !== undefined) fields.max_usage = slow.maxUsage;
  if (slow.failCount !== undefined) fields.fail_count = slow.failCount;
  if (slow.oomEvents !== undefined) fields.oom_events = slow.oomEvents;
  if (slow.oomKill !== undefined) fields.oom_kill = slow.oomKill;
}

function readV1(ctx: CollectorContext, state: MemoryState, dir: string, fields: Row['fields']): { raw?: bigint; limit?: Limit } {
  const p = (state.v1 = filePaths(state.v1, dir, V1)).paths;
  const raw = readParsed(ctx, NAME, p.usage, parseSingleU64);
  copyStat(fields, readFlatKeyed(ctx, NAME, p.stat, V1_STAT_KEYS), V1_STAT_FIELDS);
  const slow = state.slow;
  const countersDue = refreshLimit(ctx, slow, p.limit, parseV1Limit);
  if (countersDue) slow.maxUsage = readParsed(ctx, NAME, p.maxUsage, parseSingleU64);
  if (countersDue || limited(slow)) {
    slow.failCount = readParsed(ctx, NAME, p.failcnt, parseSingleU64);
    // oom_kill appeared in memory.oom_control with Linux 4.13; v1 has no separate OOM event count.
    const oom = readFlatKeyed(ctx, NAME, p.oomControl, OOM_CONTROL_KEYS);
    slow.oomEvents = slow.oomKill = oom?.oom_kill;
  }
  copySlow(fields, slow, raw);
  return { raw, limit: slow.limit };
}

function readV2(ctx: CollectorContext, state: MemoryState, dir: string, fields: Row['fields']): { raw?: bigint; limit?: Limit } {
  const p = (state.v2 = filePaths(state.v2, dir, V2)).paths;
  const raw = readParsed(ctx, NAME, p.current, parseSingleU64);
  copyStat(fields, readFlatKeyed(ctx, NAME, p.stat, V2_STAT_KEYS), V2_STAT_FIELDS);
  // With no swap area on (SwapTotal 0, as on most Kubernetes nodes) no page can be in swap: the
  // value is known without a read. swapon shows in meminfo at the next tick.
  const swap = ctx.host.swapTotalBytes === 0 ? 0n : readParsed(ctx, NAME, p.swap, parseSingleU64);
  if (swap !== undefined) fields.swap = swap;
  const slow = state.slow;
  const countersDue = refreshLimit(ctx, slow, p.max, parseV2Limit);
  // memory.peak appeared with Linux 5.19.
  if (countersDue) slow.maxUsage = readParsed(ctx, NAME, p.peak, parseSingleU64);
  if (countersDue || limited(slow)) {
    const events = readFlatKeyed(ctx, NAME, p.events, EVENTS_KEYS);
    // `max`: times usage hit memory.max and reclaim was forced — v1's failcnt.
    slow.failCount = events?.max;
    slow.oomEvents = events?.oom;
    slow.oomKill = events?.oom_kill;
  }
  copySlow(fields, slow, raw);
  return { raw, limit: slow.limit };
}

export function createMemoryCollector(): Collector<MemoryState> {
  return {
    name: NAME,
    createState: () => ({ slow: {} }),
    // The OOM counts (and the peak, which an OOM follows) are read at the next tick, not in 30 s.
    oomReported(state) {
      state.slow.countersAt = undefined;
    },
    collect(ctx, state, out) {
      const { version, dirs } = ctx.cgroup;
      const dir = version === 2 ? dirs.unified : dirs.memory;
      if (!dir) return;
      const fields: Row['fields'] = {};
      const { raw, limit } = version === 2 ? readV2(ctx, state, dir, fields) : readV1(ctx, state, dir, fields);
      if (raw !== undefined) {
        const inactiveFile = fields.inactive_file as bigint | undefined;
        const usage = inactiveFile !== undefined && inactiveFile < raw ? raw - inactiveFile : raw;
        fields.usage = usage;
        fields.working_set = usage;
        if (limit && !limit.unlimited && limit.value > 0n) fields.usage_percent = (Number(usage) / Number(limit.value)) * 100;
      }
      if (limit && !limit.unlimited) fields.limit = limit.value;
      for (const _ in fields) {
        out.push({ measurement: MEMORY_MEASUREMENT, fields });
        return;
      }
    },
  };
}

/** `collectors.memory`: no option besides `enabled`. */
export const memoryCollector = defineCollector({
  name: NAME,
  spec: {},
  defaults: { enabled: true },
  create: () => createMemoryCollector(),
});
