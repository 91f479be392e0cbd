// CPU time of Docker's own processes, read from /proc/<pid>/stat: what the stats API costs the host
// outside the client. Counted: dockerd, containerd and every containerd-shim (comm is cut to 15
// characters by the kernel: `containerd-shim` for containerd-shim-runc-v2). utime+stime plus
// cutime+cstime, so that helpers they spawn and reap (runc) are counted too. Unit: clock ticks
// (USER_HZ, 100 per second on Linux), hence the many rounds in the caller.
import { readdirSync, readFileSync } from 'node:fs';

export const USER_HZ = 100;
const DOCKER_COMMS = new Set(['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2']);

export interface DaemonProcess {
  pid: number;
  comm: string;
}

/** A shim serves one container: its command line names it (`containerd-shim-runc-v2 -namespace moby -id <id> …`). */
function shimContainerId(procRoot: string, pid: string): string | undefined {
  const args = readFileSync(`${procRoot}/${pid}/cmdline`, 'latin1').split('\0');
  const at = args.indexOf('-id');
  return at >= 0 ? args[at + 1] : undefined;
}

/**
 * dockerd, containerd, and the shims of `containerIds` only: other containers' shims on a shared
 * machine do not serve these calls and would only add noise.
 */
export function dockerProcesses(containerIds: readonly string[], procRoot = '/proc'): DaemonProcess[] {
  const ours = new Set(containerIds);
  const found: DaemonProcess[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`${procRoot}/${entry}/comm`, 'latin1').trim();
      if (!DOCKER_COMMS.has(comm)) continue;
      if (comm.startsWith('containerd-shim')) {
        const id = shimContainerId(procRoot, entry);
        if (!id || !ours.has(id)) continue;
      }
      found.push({ pid: Number(entry), comm });
    } catch {
      /* exited while listing */
    }
  }
  return found;
}

/** utime+stime+cutime+cstime of one process in clock ticks; 0 when it is gone. */
export function processTicks(pid: number, procRoot = '/proc'): number {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  } catch {
    return 0;
  }
  // Fields after the command (which may hold spaces and parentheses): state is field 3.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14..17 → indexes 11..14 of `rest` (which starts at 3).
  return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
}

/**
 * The live children of a process (cgflux's kernel-counter helper): /proc has no children file on
 * every kernel, so the parents are read from every process's stat.
 */
export function childPids(pid: number, procRoot = '/proc'): number[] {
  const out: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    // ppid is field 4, the second after the command.
    if (Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/** A process's ticks plus those of its live children. */
export function processTreeTicks(pid: number, procRoot = '/proc'): number {
  let sum = processTicks(pid, procRoot);
  for (const child of childPids(pid, procRoot)) sum += processTicks(child, procRoot);
  return sum;
}

export function totalTicks(processes: readonly DaemonProcess[], procRoot = '/proc'): number {
  let sum = 0;
  for (const p of processes) sum += processTicks(p.pid, procRoot);
  return sum;
}

/** Ticks of the shims and of the two daemons apart (the daemons are shared with anything else docker does). */
export function splitTicks(processes: readonly DaemonProcess[], procRoot = '/proc'): { shims: number; daemons: number } {
  let shims = 0;
  let daemons = 0;
  for (const p of processes) {
    const t = processTicks(p.pid, procRoot);
    if (p.comm.startsWith('containerd-shim')) shims += t;
    else daemons += t;
  }
  return { shims, daemons };
}

export function ticksToMicros(ticks: number): number {
  return (ticks * 1_000_000) / USER_HZ;
}
