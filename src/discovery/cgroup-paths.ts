// Resolves a container's cgroup directories: reads <proc_root>/<pid>/cgroup and maps each
// controller's path onto its mount below <cgroup_root>. When the path cannot be trusted (the reader
// runs in a cgroup namespace, so the kernel shows `/` or `/../..`-relative paths) the container's
// directory is looked up by its id below the mount instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupPaths, Controller } from '../model.js';
import type { ReadErrors } from '../errors/read-errors.js';
import { detectCgroupLayout, isDirectory, type CgroupLayout, type V1Controller } from './cgroup-layout.js';
import { findCgroupDirById } from './cgroup-search.js';
import { parseProcCgroup, type ProcCgroupLine } from './proc-cgroup.js';

export type CgroupResolveFailure = 'pid_gone' | 'empty' | 'malformed' | 'missing' | 'unreadable';

export type CgroupResolveResult = { ok: true; paths: CgroupPaths } | { ok: false; reason: CgroupResolveFailure };

export interface CgroupRoots {
  proc_root: string;
  cgroup_root: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX64_INSIDE = /[0-9a-f]{64}/;

/** Classifies the layout of a container's cgroup path, for humans. */
export function classifyDriver(relativePath: string): CgroupPaths['driver'] {
  const segments = relativePath.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  if (last === undefined) return 'unknown';
  if (segments.slice(0, -1).some((s) => HEX64_INSIDE.test(s))) return 'nested';
  if (last.endsWith('.scope') || last.endsWith('.slice')) return 'systemd';
  if (HEX64.test(last)) return 'cgroupfs';
  return 'unknown';
}

/** Drops the `..` segments a cgroup namespace puts in front of paths outside it. */
function withoutParentSegments(path: string): string {
  return '/' + path.split('/').filter((s) => s !== '' && s !== '.' && s !== '..').join('/');
}

interface Target {
  controller: Controller;
  mount: string;
  path: string;
}

function targets(layout: CgroupLayout, lines: ProcCgroupLine[]): Target[] {
  const found: Target[] = [];
  for (const line of lines) {
    if (line.hierarchyId === 0 && line.controllers.length === 0) {
      if (layout.unifiedMount) found.push({ controller: 'unified', mount: layout.unifiedMount, path: line.path });
      continue;
    }
    if (layout.version === 2) continue;
    for (const c of line.controllers) {
      const mount = layout.v1Mounts[c as V1Controller];
      if (mount) found.push({ controller: c as V1Controller, mount, path: line.path });
    }
  }
  return found;
}

export class CgroupResolver {
  private layout: Promise<CgroupLayout> | undefined;

  constructor(
    private readonly roots: CgroupRoots,
    private readonly errors?: ReadErrors,
  ) {}

  layoutInfo(): Promise<CgroupLayout> {
    this.layout ??= detectCgroupLayout(this.roots.cgroup_root);
    return this.layout;
  }

  /** The container's cgroup directories, or undefined (counted in ReadErrors) when they cannot be found. */
  async resolve(pid: number, containerId?: string): Promise<CgroupPaths | undefined> {
    const result = await this.resolveDetailed(pid, containerId);
    return result.ok ? result.paths : undefined;
  }

  async resolveDetailed(pid: number, containerId?: string): Promise<CgroupResolveResult> {
    const result = await this.tryResolve(pid, containerId);
    if (!result.ok) this.errors?.count('discovery', result.reason);
    return result;
  }

  private async tryResolve(pid: number, containerId: string | undefined): Promise<CgroupResolveResult> {
    if (!Number.isInteger(pid) || pid <= 0) return { ok: false, reason: 'pid_gone' };
    let text: string;
    try {
      text = await readFile(join(this.roots.proc_root, String(pid), 'cgroup'), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { ok: false, reason: code === 'ENOENT' || code === 'ESRCH' ? 'pid_gone' : 'unreadable' };
    }
    if (text.trim() === '') return { ok: false, reason: 'empty' };
    const parsed = parseProcCgroup(text);
    if (parsed.malformed > 0) this.errors?.count('discovery', 'malformed', parsed.malformed);
    if (parsed.lines.length === 0) return { ok: false, reason: 'malformed' };

    const layout = await this.layoutInfo();
    const dirs: CgroupPaths['dirs'] = {};
    let chosenRelative: string | undefined;
    let searched = false;
    for (const t of targets(layout, parsed.lines)) {
      const relative = withoutParentSegments(t.path);
      const trusted = containerId === undefined ? relative !== '/' : relative.includes(containerId);
      if (trusted && (await isDirectory(join(t.mount, relative)))) {
        dirs[t.controller] = join(t.mount, relative);
        chosenRelative ??= relative;
        continue;
      }
      if (containerId === undefined) continue;
      // Same layout in every hierarchy: reuse what another controller resolved before searching.
      if (chosenRelative && (await isDirectory(join(t.mount, chosenRelative)))) {
        dirs[t.controller] = join(t.mount, chosenRelative);
        continue;
      }
      if (searched && chosenRelative === undefined) continue;
      searched = true;
      const found = await findCgroupDirById(t.mount, containerId);
      if (found !== undefined) {
        dirs[t.controller] = join(t.mount, found);
        chosenRelative = found;
      }
    }
    if (chosenRelative === undefined) return { ok: false, reason: 'missing' };
    return { ok: true, paths: { version: layout.version, dirs, driver: classifyDriver(chosenRelative) } };
  }
}
