// Parser of cgroup v2 `io.stat` (Documentation/admin-guide/cgroup-v2.rst):
//   8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
// Keys other than these six (io.cost `cost.*`, io.latency `use_delay`/`delay_nsec`, future ones)
// are ignored. dbytes/dios are absent before Linux 4.19 and then count as 0.
import { isMajMin, parseU64, splitBlank } from './u64.js';

export interface IoStatDevice {
  rbytes: bigint;
  wbytes: bigint;
  rios: bigint;
  wios: bigint;
  dbytes: bigint;
  dios: bigint;
}

export interface IoStat {
  /** By `major:minor`, in file order. Devices without any I/O are not listed by the kernel. */
  devices: Map<string, IoStatDevice>;
  /** Lines skipped: bad device, or one of rbytes/wbytes/rios/wios missing or not a number. */
  malformed: number;
}

const tokens: string[] = [];
const BIT: Record<string, number> = { rbytes: 1, wbytes: 2, rios: 4, wios: 8, dbytes: 0, dios: 0 };
const REQUIRED = 15; // rbytes wbytes rios wios all present

export function parseIoStat(text: string): IoStat {
  const devices = new Map<string, IoStatDevice>();
  let malformed = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    splitBlank(text, start, end, tokens);
    start = end + 1;
    if (tokens.length === 0) continue;
    if (!isMajMin(tokens[0])) {
      malformed++;
      continue;
    }
    const d: IoStatDevice = { rbytes: 0n, wbytes: 0n, rios: 0n, wios: 0n, dbytes: 0n, dios: 0n };
    let seen = 0;
    let bad = false;
    for (let i = 1; i < tokens.length; i++) {
      const token = tokens[i];
      const eq = token.indexOf('=');
      if (eq <= 0) continue;
      const key = token.slice(0, eq);
      if (key !== 'rbytes' && key !== 'wbytes' && key !== 'rios' && key !== 'wios' && key !== 'dbytes' && key !== 'dios') continue;
      const value = parseU64(token, eq + 1);
      if (value === undefined) {
        bad = true;
        break;
      }
      d[key] = value;
      seen |= BIT[key];
    }
    if (bad || seen !== REQUIRED) {
      malformed++;
      continue;
    }
    devices.set(tokens[0], d);
  }
  return { devices, malformed };
}
