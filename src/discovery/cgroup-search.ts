// Finds a container's cgroup directory by its id below one hierarchy's mount, breadth first and
// bounded: used only when /proc/<pid>/cgroup shows a path that cannot be used as is.
import { readdir } from 'node:fs/promises';

const MAX_DEPTH = 8;
const MAX_DIRS = 50_000;

/** Names docker (cgroupfs and systemd drivers) and other runtimes give a container's cgroup. */
function namesContainer(name: string, id: string): boolean {
  return name === id || name === `docker-${id}.scope` || (name.includes(id) && name.endsWith('.scope'));
}

/** Path of the container's directory relative to `mount` (`/docker/<id>`), or undefined. */
export async function findCgroupDirById(mount: string, id: string): Promise<string | undefined> {
  let level: string[] = [''];
  let visited = 0;
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries;
      try {
        entries = await readdir(mount + rel, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const child = `${rel}/${e.name}`;
        if (namesContainer(e.name, id)) return child;
        if (++visited > MAX_DIRS) return undefined;
        next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}
