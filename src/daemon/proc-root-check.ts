// At start: does host.proc_root show the host's processes? Inside a container, /proc is the
// container's own pid namespace unless the host's is mounted (or pid: host), and then no other
// container's process, network counters or task list can be found. Kernel threads are visible
// only from the host's pid namespace, so kthreadd (always pid 2) tells the two apart.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A one-line warning when `procRoot` is not the host's /proc, or undefined when it is. */
export function procRootProblem(procRoot: string): string | undefined {
  let pids: number;
  try {
    pids = readdirSync(procRoot).filter((name) => /^\d+$/.test(name)).length;
  } catch (err) {
    return `host.proc_root ${procRoot} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): mount the host's /proc there read-only (docs/deploy.md)`;
  }
  let stat = '';
  try {
    stat = readFileSync(join(procRoot, '2', 'stat'), 'utf8');
  } catch {
    /* no pid 2 at all: a small pid namespace */
  }
  if (stat.startsWith('2 (kthreadd)')) return undefined;
  return (
    `host.proc_root ${procRoot} is not the host's /proc: it shows ${pids} processes and no kernel threads, ` +
    `so other containers' processes (context switches, threads, network counters) cannot be found there; ` +
    `mount the host's /proc (-v /proc:/host/proc:ro) and set host.proc_root: /host/proc, or join the host pid namespace (docs/deploy.md)`
  );
}
