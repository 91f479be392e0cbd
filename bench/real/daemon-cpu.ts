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

export function dockerProcesses(procRoot = '/proc'): DaemonProcess[] {
  const found: DaemonProcess[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`${procRoot}/${entry}/comm`, 'latin1').trim();
      if (DOCKER_COMMS.has(comm)) found.push({ pid: Number(entry), comm });
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

export function totalTicks(processes: readonly DaemonProcess[], procRoot = '/proc'): number {
  let sum = 0;
  for (const p of processes) sum += processTicks(p.pid, procRoot);
  return sum;
}

export function ticksToMicros(ticks: number): number {
  return (ticks * 1_000_000) / USER_HZ;
}
