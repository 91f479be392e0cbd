// Pure parser of /proc/<pid>/cgroup (see cgroups(7)): one `hierarchy-id:controller-list:path`
// line per hierarchy. On cgroup v2 there is a single `0::/path` line.

export interface ProcCgroupLine {
  hierarchyId: number;
  /** Controllers of a v1 hierarchy (`['cpu', 'cpuacct']`, `['name=systemd']`); empty for v2. */
  controllers: string[];
  /** Path relative to the hierarchy's root as seen from the reader's cgroup namespace. */
  path: string;
}

export interface ProcCgroupParse {
  lines: ProcCgroupLine[];
  /** Lines that do not have the `id:controllers:/path` shape. */
  malformed: number;
}

export function parseProcCgroup(text: string): ProcCgroupParse {
  const lines: ProcCgroupLine[] = [];
  let malformed = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (first <= 0 || second < 0) {
      malformed++;
      continue;
    }
    const idText = line.slice(0, first);
    const hierarchyId = Number(idText);
    // The path is everything after the second colon: a cgroup name may itself contain ':'.
    const path = line.slice(second + 1);
    if (!/^\d+$/.test(idText) || !path.startsWith('/')) {
      malformed++;
      continue;
    }
    const list = line.slice(first + 1, second);
    const controllers = list === '' ? [] : list.split(',');
    lines.push({ hierarchyId, controllers, path });
  }
  return { lines, malformed };
}
