// Parser of the CPU lines of /proc/stat (Documentation/filesystems/proc.rst):
//   cpu  user nice system idle iowait irq softirq steal guest guest_nice   (USER_HZ ticks)
//   cpu0 …
// guest and guest_nice are already included in user and nice, so they are not kept (summing them
// would count guest time twice). Columns a kernel does not have yet count as 0.
import { parseU64, splitBlank } from './u64.js';

export const CPU_COLUMNS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuColumn = (typeof CPU_COLUMNS)[number];

export interface ProcStat {
  /** Ticks of the aggregate `cpu` line, in CPU_COLUMNS order. */
  ticks: bigint[];
  /** Number of `cpuN` lines: the CPUs online now. */
  onlineCpus: number;
}

/** /proc/stat always counts in USER_HZ = 100 ticks per second, whatever the kernel's HZ. */
export const USER_HZ = 100n;
export const NS_PER_TICK = 1_000_000_000n / USER_HZ;

const tokens: string[] = [];

/** Undefined when there is no well-formed aggregate `cpu` line (user, nice, system, idle at least). */
export function parseProcStat(text: string): ProcStat | undefined {
  let ticks: bigint[] | undefined;
  let onlineCpus = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // The cpu lines come first; stop at the first other line (the `intr` line can be huge).
    if (!text.startsWith('cpu', start)) break;
    if (text.charCodeAt(start + 3) === 32) {
      splitBlank(text, start, end, tokens);
      ticks = cpuTicks();
    } else {
      onlineCpus++;
    }
    start = end + 1;
  }
  if (!ticks) return undefined;
  return { ticks, onlineCpus };
}

function cpuTicks(): bigint[] | undefined {
  if (tokens.length < 5) return undefined;
  const ticks: bigint[] = [];
  for (let i = 0; i < CPU_COLUMNS.length; i++) {
    const token = tokens[i + 1];
    if (token === undefined) {
      ticks.push(0n);
      continue;
    }
    const value = parseU64(token);
    if (value === undefined) return undefined;
    ticks.push(value);
  }
  return ticks;
}
