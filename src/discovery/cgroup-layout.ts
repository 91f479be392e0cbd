// Where each cgroup hierarchy is mounted below the configured cgroup root. Found by looking at the
// root itself (not /proc/self/mountinfo) so that fixture trees and a host root bind-mounted into a
// container (`/host/sys/fs/cgroup`) work the same way.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Controller } from '../model.js';

export type V1Controller = Exclude<Controller, 'unified'>;
export const V1_CONTROLLERS: readonly V1Controller[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids'];

export interface CgroupLayout {
  /** 2 when the root itself is a cgroup2 mount (unified only); 1 for legacy and hybrid hosts. */
  version: 1 | 2;
  /** Mount directory of the cgroup2 hierarchy: the root on v2, `<root>/unified` on hybrid hosts. */
  unifiedMount?: string;
  /** Mount directory of each v1 controller (`<root>/memory`, `<root>/cpu,cpuacct` …). */
  v1Mounts: Partial<Record<V1Controller, string>>;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function detectCgroupLayout(cgroupRoot: string): Promise<CgroupLayout> {
  // cgroup.controllers only exists at the root of a cgroup2 mount.
  if (await isFile(join(cgroupRoot, 'cgroup.controllers'))) {
    return { version: 2, unifiedMount: cgroupRoot, v1Mounts: {} };
  }
  const layout: CgroupLayout = { version: 1, v1Mounts: {} };
  const unified = join(cgroupRoot, 'unified');
  if (await isFile(join(unified, 'cgroup.controllers'))) layout.unifiedMount = unified;

  let entries: string[] = [];
  try {
    entries = await readdir(cgroupRoot);
  } catch {
    return layout;
  }
  for (const controller of V1_CONTROLLERS) {
    // A mount named after the controller (a real mount or the `cpu -> cpu,cpuacct` symlink) wins;
    // otherwise a co-mounted hierarchy whose comma-joined name lists it.
    const own = join(cgroupRoot, controller);
    if (entries.includes(controller) && (await isDirectory(own))) {
      layout.v1Mounts[controller] = own;
      continue;
    }
    const joined = entries.find((e) => e.includes(',') && e.split(',').includes(controller));
    if (joined && (await isDirectory(join(cgroupRoot, joined)))) layout.v1Mounts[controller] = join(cgroupRoot, joined);
  }
  return layout;
}
