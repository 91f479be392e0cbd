// Can cgflux use the cgroup pid lists? `cgroup.procs`, v1 `tasks` and v2 `cgroup.threads` list
// pids as the READER's pid namespace numbers them: a cgflux in its own container (no `pid: host`)
// reads them empty for every other container. `<proc_root>/self` names cgflux as proc_root's
// namespace numbers it: the same number as process.pid means one namespace, the lists are usable.
import { readlinkSync } from 'node:fs';

export type TaskSource = 'cgroup' | 'proc_scan';

export interface TaskSourceChoice {
  source: TaskSource;
  /** For the log line: why this source. */
  why: string;
}

export function chooseTaskSource(procRoot: string, ownPid = process.pid): TaskSourceChoice {
  let self: string;
  try {
    self = readlinkSync(`${procRoot}/self`);
  } catch (err) {
    // Not a procfs that shows cgflux (a copied tree, a foreign mount): nothing tells the namespaces
    // apart, so the lists are used, and an empty list for a running container is reported.
    return { source: 'cgroup', why: `${procRoot}/self cannot be read (${(err as NodeJS.ErrnoException).code}), so cgflux cannot tell whether it shares the pid namespace of ${procRoot}` };
  }
  if (Number(self) === ownPid) return { source: 'cgroup', why: `cgflux runs in the pid namespace of ${procRoot}` };
  return { source: 'proc_scan', why: `cgflux runs in its own pid namespace (pid ${ownPid} here, ${self} in ${procRoot}): the cgroup pid lists would be empty, tasks are found by scanning ${procRoot}` };
}
