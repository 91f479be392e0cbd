// Parser of /proc/<pid>/stat (proc(5)): `pid (comm) state ppid … utime stime … num_threads …
// starttime vsize rss …`. comm is the process's own choice (prctl, exec name) and may hold spaces,
// parentheses and any byte but NUL, so the fields are found after the LAST ')'.
import { parseU64 } from './u64.js';

export interface PidStat {
  pid: number;
  /** As the kernel wrote it (≤ 15 bytes), decoded as UTF-8; invalid bytes become U+FFFD. */
  comm: string;
  /** One letter: R running, S sleeping, D disk sleep, Z zombie, T stopped, I idle … */
  state: string;
  ppid: number;
  minorFaults: bigint;
  majorFaults: bigint;
  /** CPU time in user and kernel mode, USER_HZ ticks. */
  utimeTicks: bigint;
  stimeTicks: bigint;
  threads: number;
  /** Ticks after boot the process started: with pid, its identity. */
  startTicks: bigint;
  /** Resident set size in pages (ranks processes; the byte figure comes from status). */
  rssPages: bigint;
}

// Field numbers of proc(5), 1-based, counted from `state` (field 3).
const F_STATE = 3;
const F_PPID = 4;
const F_MINFLT = 10;
const F_MAJFLT = 12;
const F_UTIME = 14;
const F_STIME = 15;
const F_THREADS = 20;
const F_START = 22;
const F_RSS = 24;

const fields: string[] = [];

/** `text` as read in latin1 (one char per byte). undefined when the line is cut or malformed. */
export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return undefined;
  const pid = parseU64(text, 0, open);
  if (pid === undefined) return undefined;
  fields.length = 0;
  let i = close + 2;
  const end = text.length;
  while (i < end && fields.length < F_RSS - 2) {
    let j = text.indexOf(' ', i);
    if (j < 0) j = end;
    let stop = j;
    if (text.charCodeAt(stop - 1) === 10) stop--;
    fields.push(text.slice(i, stop));
    i = j + 1;
  }
  if (fields.length < F_RSS - 2) return undefined;
  const at = (n: number): string => fields[n - F_STATE];
  const num = (n: number): bigint | undefined => parseU64(at(n));
  const ppid = num(F_PPID);
  const minorFaults = num(F_MINFLT);
  const majorFaults = num(F_MAJFLT);
  const utimeTicks = num(F_UTIME);
  const stimeTicks = num(F_STIME);
  const threads = num(F_THREADS);
  const startTicks = num(F_START);
  const rssPages = num(F_RSS);
  const state = at(F_STATE);
  if (
    state.length !== 1 || ppid === undefined || minorFaults === undefined || majorFaults === undefined || utimeTicks === undefined ||
    stimeTicks === undefined || threads === undefined || startTicks === undefined || rssPages === undefined
  ) {
    return undefined;
  }
  const comm = Buffer.from(text.slice(open + 2, close), 'latin1').toString('utf8');
  return { pid: Number(pid), comm, state, ppid: Number(ppid), minorFaults, majorFaults, utimeTicks, stimeTicks, threads: Number(threads), startTicks, rssPages };
}
