// What the figures were measured on: results.json must say which machine produced them.
import { cpus, loadavg, totalmem, release } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_mb: number;
  kernel: string;
  node_version: string;
  cgroup: string;
  /** 1-minute load average when the run started: on a shared machine, how much else was running. */
  load_average_at_start: number;
}

const loadAtStart = loadavg()[0];

export function currentLoad(): number {
  return loadavg()[0];
}

function cgroupDescription(): string {
  try {
    const mounts = readFileSync('/proc/self/mounts', 'latin1');
    const v1 = mounts.split('\n').some((l) => l.split(' ')[2] === 'cgroup');
    const v2 = mounts.split('\n').some((l) => l.split(' ')[2] === 'cgroup2');
    return v1 && v2 ? 'v1 (hybrid, with a v2 hierarchy)' : v1 ? 'v1' : v2 ? 'v2' : 'none';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory_mb: Math.round(totalmem() / (1024 * 1024)),
    kernel: release(),
    node_version: process.version,
    cgroup: cgroupDescription(),
    load_average_at_start: loadAtStart,
  };
}
