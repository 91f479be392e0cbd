// The fields read only for the processes a tick ships (≤ 2N per container): resident bytes and
// context switches from status files, the command line. A process's switches are summed over its
// live threads (/proc/<pid>/status shows the leader thread's own only); those of threads that
// already exited are not in it.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { formatCmdline } from '../parsers/cmdline.js';
import { parseVmRssBytes } from '../parsers/proc-pid-status.js';
import { parseTaskStatus } from '../parsers/proc-task-status.js';

export interface StatusDetails {
  rssBytes?: bigint;
  voluntary?: bigint;
  involuntary?: bigint;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** undefined when the process is gone (its status cannot be read). */
export function readStatusDetails(procRoot: string, pid: number, threads: number): StatusDetails | undefined {
  const text = readText(`${procRoot}/${pid}/status`);
  if (text === undefined) return undefined;
  const out: StatusDetails = { rssBytes: parseVmRssBytes(text) };
  const leader = parseTaskStatus(text);
  if (!leader) return out;
  let voluntary = leader.voluntary;
  let involuntary = leader.involuntary;
  if (threads > 1) {
    let tids: string[];
    try {
      tids = readdirSync(`${procRoot}/${pid}/task`);
    } catch {
      return undefined;
    }
    for (const tid of tids) {
      if (tid === String(pid)) continue;
      const t = readText(`${procRoot}/${pid}/task/${tid}/status`);
      const counts = t === undefined ? undefined : parseTaskStatus(t);
      if (!counts) continue; // the thread ended between the listing and the read
      voluntary += counts.voluntary;
      involuntary += counts.involuntary;
    }
  }
  out.voluntary = voluntary;
  out.involuntary = involuntary;
  return out;
}

let buffer = Buffer.allocUnsafe(0);

/** At most `maxChars` characters of the command line, read from a bounded prefix of the file. */
export function readCmdline(procRoot: string, pid: number, maxChars: number): string | undefined {
  const want = maxChars * 4 + 1;
  if (buffer.length < want) buffer = Buffer.allocUnsafe(want);
  let fd: number;
  try {
    fd = openSync(`${procRoot}/${pid}/cmdline`, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, want - length, length);
      if (n <= 0) break;
      length += n;
      if (length >= want) break;
    }
    return formatCmdline(buffer.subarray(0, Math.min(length, want - 1)), maxChars, length >= want);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
