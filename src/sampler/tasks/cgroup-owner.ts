// Which container a process belongs to, from its /proc/<pid>/cgroup text: Docker names every
// container's cgroup after its 64-hex id (cgroupfs `/docker/<id>`, systemd `docker-<id>.scope`,
// a custom --cgroup-parent `/parent/<id>`), and a reader in its own cgroup namespace still sees
// the id in the `/../<id>` form. In a nested path (docker in docker) the innermost id wins.
// Processes a container put in a child cgroup (systemd inside it) are found too.

const HEX = /[0-9a-f]{64}/g;

/** The id of the first line that names one (its last), or undefined for a host process. */
export function containerIdInCgroup(text: string): string | undefined {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const matches = line.match(HEX);
    if (matches) return matches[matches.length - 1];
    start = end + 1;
  }
  return undefined;
}
