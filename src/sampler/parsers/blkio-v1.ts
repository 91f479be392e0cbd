// Parser of the cgroup v1 blkio per-device stat files (`blkio.throttle.io_service_bytes_recursive`,
// `blkio.io_serviced_recursive`, `blkio.bfq.…`), blkg_prfill_rwstat format:
//   8:0 Read 1234
//   8:0 Write 5678
//   8:0 Sync 0 / Async 0 / Discard 0
//   8:0 Total 6912
//   Total 6912            ← grand total over devices (ignored: cgflux sums the devices it keeps)
import { isMajMin, parseU64, splitBlank } from './u64.js';

export interface BlkioOps {
  read: bigint;
  write: bigint;
  /** The kernel's `Total` (read + write + discard); read + write + discard when the line is missing. */
  total: bigint;
}

export interface BlkioV1Stats {
  /** By `major:minor`, in file order. */
  devices: Map<string, BlkioOps>;
  /** Lines that could not be understood (skipped). */
  malformed: number;
}

interface Accumulator {
  read: bigint;
  write: bigint;
  discard: bigint;
  total: bigint | undefined;
}

const tokens: string[] = [];

export function parseBlkioV1(text: string): BlkioV1Stats {
  const acc = new Map<string, Accumulator>();
  let malformed = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    splitBlank(text, start, end, tokens);
    start = end + 1;
    if (tokens.length === 0) continue;
    if (tokens.length === 2 && tokens[0] === 'Total') continue;
    const value = tokens.length === 3 && isMajMin(tokens[0]) ? parseU64(tokens[2]) : undefined;
    if (value === undefined) {
      malformed++;
      continue;
    }
    let device = acc.get(tokens[0]);
    if (!device) acc.set(tokens[0], (device = { read: 0n, write: 0n, discard: 0n, total: undefined }));
    switch (tokens[1]) {
      case 'Read':
        device.read = value;
        break;
      case 'Write':
        device.write = value;
        break;
      case 'Discard':
        device.discard = value;
        break;
      case 'Total':
        device.total = value;
        break;
      default: // Sync, Async and operations added by future kernels
    }
  }
  const devices = new Map<string, BlkioOps>();
  for (const [id, d] of acc) {
    devices.set(id, { read: d.read, write: d.write, total: d.total ?? d.read + d.write + d.discard });
  }
  return { devices, malformed };
}
