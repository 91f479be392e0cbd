// The host-/proc scan: which processes of proc_root belong to which container, for a cgflux that
// cannot use the cgroup pid lists (they show pids of the READER's pid namespace). One readdir of
// proc_root per tick serves every container. A process's cgroup is read once, when its pid is
// new; after that a stat of /proc/<pid> checks it is still the same process (a reused pid is a
// new /proc/<pid> inode), so a steady tick reads no cgroup file at all.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { containerIdInCgroup } from './cgroup-owner.js';

interface Known {
  ino: number;
  /** Container id, or '' for a process outside every container. */
  owner: string;
  /** Scan number that last listed it. */
  scan: number;
}

export interface ScanStats {
  scans: number;
  /** /proc/<pid>/cgroup files read (new pids, reused pids). */
  cgroupReads: number;
  /** Processes seen by the last scan. */
  processes: number;
}

export class ProcScan {
  private readonly known = new Map<number, Known>();
  private readonly byContainer = new Map<string, number[]>();
  private lastNs: bigint | undefined;
  readonly stats: ScanStats = { scans: 0, cgroupReads: 0, processes: 0 };
  /** Set when proc_root could not be listed at all. */
  failure: string | undefined;

  constructor(private readonly procRoot: string) {}

  /** The pids of `containerId` as of the scan of tick `nowNs` (scanned on the tick's first call). */
  pidsOf(containerId: string, nowNs: bigint): readonly number[] | undefined {
    if (this.lastNs !== nowNs) this.scan(nowNs);
    if (this.failure !== undefined) return undefined;
    return this.byContainer.get(containerId) ?? [];
  }

  /** The tids of one process (readdir of its task directory); empty when it exited meanwhile. */
  threadsOf(pid: number, out: number[]): void {
    let names: string[];
    try {
      names = readdirSync(`${this.procRoot}/${pid}/task`);
    } catch {
      return;
    }
    for (const name of names) {
      const tid = Number(name);
      if (Number.isInteger(tid) && tid > 0) out.push(tid);
    }
  }

  private scan(nowNs: bigint): void {
    this.lastNs = nowNs;
    const scan = ++this.stats.scans;
    let names: string[];
    try {
      names = readdirSync(this.procRoot);
      this.failure = undefined;
    } catch (err) {
      this.failure = (err as NodeJS.ErrnoException).code ?? 'error';
      return;
    }
    for (const list of this.byContainer.values()) list.length = 0;
    let processes = 0;
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      const dir = `${this.procRoot}/${name}`;
      const st = statSync(dir, { throwIfNoEntry: false });
      if (!st) continue; // exited since the readdir
      processes++;
      let known = this.known.get(pid);
      if (!known || known.ino !== st.ino) {
        let text: string;
        try {
          text = readFileSync(`${dir}/cgroup`, 'latin1');
        } catch {
          continue; // exited, or not ours to read: tried again next tick
        }
        this.stats.cgroupReads++;
        known = { ino: st.ino, owner: containerIdInCgroup(text) ?? '', scan };
        this.known.set(pid, known);
      }
      known.scan = scan;
      if (known.owner === '') continue;
      let list = this.byContainer.get(known.owner);
      if (!list) this.byContainer.set(known.owner, (list = []));
      list.push(pid);
    }
    this.stats.processes = processes;
    for (const [pid, known] of this.known) if (known.scan !== scan) this.known.delete(pid);
    for (const [id, list] of this.byContainer) if (list.length === 0) this.byContainer.delete(id);
  }
}
