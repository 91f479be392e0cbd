// The host snapshot read once per tick: /proc/stat and /proc/meminfo under host.proc_root.
// It feeds the containers' CPU percentages (HostSnapshot) and, when collectors.host is enabled,
// the host_cpu and host_mem rows.
import type { Row } from '../model.js';
import type { HostSnapshot } from './collector.js';
import type { KeptFiles } from './kept-files.js';
import type { ReadErrors } from '../errors/read-errors.js';
import { CPU_COLUMNS, NS_PER_TICK, parseProcStat, type ProcStat } from './parsers/proc-stat.js';
import { parseMeminfo } from './parsers/meminfo.js';

export const HOST_CPU_MEASUREMENT = 'host_cpu';
export const HOST_MEM_MEASUREMENT = 'host_mem';
const NAME = 'host';
/** KeptFiles owner of the host's files (container ids are hex, so this cannot collide). */
export const HOST_OWNER = '<host>';

const MEMINFO_KEYS = new Set(['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'] as const);
type MeminfoKey = typeof MEMINFO_KEYS extends Set<infer K> ? K : never;

// Index of the /proc/stat columns (CPU_COLUMNS order).
const IDLE = 3;
const IOWAIT = 4;
const STEAL = 7;

export interface HostReading {
  snapshot: HostSnapshot;
  /** host_cpu and host_mem, when asked for and readable. */
  rows: Row[];
}

export class HostReader {
  private readonly statPath: string;
  private readonly meminfoPath: string;
  private previousBusy = 0n;
  private previousAll = 0n;
  private hasPrevious = false;
  private lastOnlineCpus = 0;

  constructor(
    procRoot: string,
    private readonly files: KeptFiles,
    private readonly errors: ReadErrors,
  ) {
    this.statPath = `${procRoot}/stat`;
    this.meminfoPath = `${procRoot}/meminfo`;
  }

  read(withRows: boolean): HostReading {
    const rows: Row[] = [];
    const snapshot: HostSnapshot = { cpuTotalNs: 0, onlineCpus: this.lastOnlineCpus, memTotalBytes: 0 };
    const stat = this.readStat();
    if (stat) {
      const t = stat.ticks;
      // Docker's system_cpu_usage: user … softirq (steal excluded), so percentages match `docker stats`.
      let dockerTicks = 0n;
      for (let i = 0; i < STEAL; i++) dockerTicks += t[i];
      snapshot.cpuTotalNsExact = dockerTicks * NS_PER_TICK;
      snapshot.cpuTotalNs = Number(snapshot.cpuTotalNsExact);
      if (stat.onlineCpus > 0) snapshot.onlineCpus = this.lastOnlineCpus = stat.onlineCpus;
      if (withRows) rows.push(this.cpuRow(stat, snapshot.onlineCpus));
    }
    const mem = this.readMeminfo();
    if (mem?.MemTotal !== undefined) snapshot.memTotalBytes = Number(mem.MemTotal);
    if (mem?.SwapTotal !== undefined) snapshot.swapTotalBytes = Number(mem.SwapTotal);
    if (withRows && mem) {
      const row = memRow(mem);
      if (row) rows.push(row);
    }
    return { snapshot, rows };
  }

  private readStat(): ProcStat | undefined {
    const text = this.files.read(this.statPath, HOST_OWNER, NAME);
    if (text === undefined) return undefined;
    const stat = parseProcStat(text);
    if (!stat) this.errors.count(NAME, text.length === 0 ? 'empty' : 'malformed');
    return stat;
  }

  private readMeminfo(): Partial<Record<MeminfoKey, bigint>> | undefined {
    const text = this.files.read(this.meminfoPath, HOST_OWNER, NAME);
    if (text === undefined) return undefined;
    if (text.length === 0) {
      this.errors.count(NAME, 'empty');
      return undefined;
    }
    const parsed = parseMeminfo(text, MEMINFO_KEYS);
    if (parsed.malformed > 0) this.errors.count(NAME, 'malformed', parsed.malformed);
    return parsed.values;
  }

  private cpuRow(stat: ProcStat, onlineCpus: number): Row {
    const fields: Row['fields'] = {};
    let all = 0n;
    let busy = 0n;
    for (let i = 0; i < CPU_COLUMNS.length; i++) {
      const ns = stat.ticks[i] * NS_PER_TICK;
      fields[CPU_COLUMNS[i]] = ns;
      all += ns;
      if (i !== IDLE && i !== IOWAIT) busy += ns;
    }
    fields.usage_total = busy;
    if (onlineCpus > 0) fields.online_cpus = BigInt(onlineCpus);
    if (this.hasPrevious) {
      const allDelta = all - this.previousAll;
      const busyDelta = busy - this.previousBusy;
      if (allDelta > 0n && busyDelta >= 0n) fields.usage_percent = (Number(busyDelta) / Number(allDelta)) * 100;
    }
    this.previousAll = all;
    this.previousBusy = busy;
    this.hasPrevious = true;
    return { measurement: HOST_CPU_MEASUREMENT, fields };
  }
}

function memRow(m: Partial<Record<MeminfoKey, bigint>>): Row | undefined {
  if (m.MemTotal === undefined) return undefined;
  const fields: Row['fields'] = { total: m.MemTotal };
  // MemAvailable appeared in Linux 3.14; before, free + buffers + cached is the usual estimate.
  const available = m.MemAvailable ?? (m.MemFree !== undefined ? m.MemFree + (m.Buffers ?? 0n) + (m.Cached ?? 0n) : undefined);
  if (available !== undefined) fields.available = available;
  if (m.MemFree !== undefined) fields.free = m.MemFree;
  if (available !== undefined) fields.used = m.MemTotal - available;
  if (m.Buffers !== undefined) fields.buffers = m.Buffers;
  if (m.Cached !== undefined) fields.cached = m.Cached;
  if (m.SwapTotal !== undefined) fields.swap_total = m.SwapTotal;
  if (m.SwapFree !== undefined) fields.swap_free = m.SwapFree;
  if (available !== undefined && m.MemTotal > 0n) fields.used_percent = (Number(m.MemTotal - available) / Number(m.MemTotal)) * 100;
  return { measurement: HOST_MEM_MEASUREMENT, fields };
}
