// The JSON shape of one process, shared by the REST API and `cgflux ps --json` (documented in
// docs/api.md). Absent figures are null, never 0.
import type { ProcessInfo } from '../../sampler/processes/book.js';

export interface ProcessJson {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  threads: number;
  cpu_percent: number | null;
  cpu_limit_percent: number | null;
  cpu_user_s: number;
  cpu_system_s: number;
  rss_bytes: number;
  memory_percent: number | null;
  voluntary_switches: number | null;
  involuntary_switches: number | null;
  minor_faults: number;
  major_faults: number;
  cmdline?: string;
}

const round = (x: number | undefined, digits = 2): number | null => (x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export function processJson(p: ProcessInfo): ProcessJson {
  const out: ProcessJson = {
    pid: p.pid, ppid: p.ppid, name: p.name, state: p.state, threads: p.threads,
    cpu_percent: round(p.cpuPercent), cpu_limit_percent: round(p.cpuLimitPercent),
    cpu_user_s: p.userNs / 1e9, cpu_system_s: p.systemNs / 1e9,
    rss_bytes: p.rssBytes, memory_percent: round(p.memPercent),
    voluntary_switches: p.voluntarySwitches ?? null, involuntary_switches: p.involuntarySwitches ?? null,
    minor_faults: p.minorFaults, major_faults: p.majorFaults,
  };
  if (p.cmdline !== undefined) out.cmdline = p.cmdline;
  return out;
}
