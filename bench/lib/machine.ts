// What the figures were measured on: results.json must say which machine produced them.
import { cpus, totalmem, release } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_mb: number;
  kernel: string;
  node_version: string;
  cgroup: string;
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
  };
}
