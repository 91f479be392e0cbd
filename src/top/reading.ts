// One container's figures for `cgflux top`, taken from the rows the sampler made this tick: the
// same collectors and files the daemon ships, read in-process. Counters stay counters here; the
// per-second rates are made by rates.ts from two readings.
import type { ContainerInfo, FieldValue, Row } from '../model.js';

export interface Reading {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** 100 = one CPU; absent on the first reading (it needs two) or when unreadable. */
  cpuPercent?: number;
  cpuPercentOfLimit?: number;
  memUsage?: number;
  /** Absent when the container has no memory limit. */
  memLimit?: number;
  /** Cumulative counters (bytes, switches, faults). */
  netRxBytes?: number;
  netTxBytes?: number;
  blkReadBytes?: number;
  blkWriteBytes?: number;
  contextSwitches?: number;
  /** How contextSwitches was counted (`kernel` or `proc`): two readings of different methods give no rate. */
  switchesMethod?: string;
  pageFaults?: number;
  pids?: number;
}

function num(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

function sum(a: FieldValue | undefined, b: FieldValue | undefined): number | undefined {
  const x = num(a);
  const y = num(b);
  return x === undefined || y === undefined ? undefined : x + y;
}

/** The figures of one container's rows; a value no row carried stays absent (never 0). */
export function readingFromRows(container: ContainerInfo, rows: readonly Row[]): Reading {
  const r: Reading = { id: container.id, name: container.name, labels: container.labels };
  for (const row of rows) {
    const f = row.fields;
    switch (row.measurement) {
      case 'docker_container_cpu':
        if (row.tags?.cpu !== 'cpu-total') break;
        r.cpuPercent = num(f.usage_percent);
        r.cpuPercentOfLimit = num(f.usage_percent_of_limit);
        break;
      case 'docker_container_mem':
        r.memUsage = num(f.usage);
        r.memLimit = num(f.limit);
        r.pageFaults = num(f.pgfault);
        break;
      case 'docker_container_net':
        if (row.tags?.network !== 'total') break;
        r.netRxBytes = num(f.rx_bytes);
        r.netTxBytes = num(f.tx_bytes);
        break;
      case 'docker_container_blkio':
        if (row.tags?.device !== 'total') break;
        r.blkReadBytes = num(f.io_service_bytes_recursive_read);
        r.blkWriteBytes = num(f.io_service_bytes_recursive_write);
        break;
      case 'docker_container_context_switches':
        r.contextSwitches = sum(f.voluntary, f.involuntary);
        r.switchesMethod = row.tags?.method;
        break;
      case 'docker_container_pids':
        r.pids = num(f.current);
        break;
    }
  }
  return r;
}
