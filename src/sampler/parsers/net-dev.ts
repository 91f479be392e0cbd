// Parser of /proc/<pid>/net/dev (net/core/net-procfs.c):
//   Inter-|   Receive                                                |  Transmit
//    face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
//       lo:  1234      12    0    0    0     0          0         0     1234      12    0    0    0     0       0          0
// The column positions are taken from the second header line (cached: it never changes on a
// running kernel), so a kernel that adds or moves columns is still read right. The interface name
// and the first number can touch (`eth0:123456789`) when the number is wide: split at the colon.
import { parseU64, splitBlank } from './u64.js';

export interface NetDevCounters {
  rxBytes: bigint;
  rxPackets: bigint;
  rxErrors: bigint;
  rxDropped: bigint;
  txBytes: bigint;
  txPackets: bigint;
  txErrors: bigint;
  txDropped: bigint;
}

export interface NetDev {
  /** By interface name, in file order. */
  interfaces: Map<string, NetDevCounters>;
  /** Interface lines skipped (too few columns, not numbers); the whole file when the header is unknown. */
  malformed: number;
}

/** Index of each needed column among the numbers of an interface line; -1 = header not understood. */
interface Layout {
  columns: number;
  rx: [bytes: number, packets: number, errs: number, drop: number];
  tx: [bytes: number, packets: number, errs: number, drop: number];
}

const NEEDED = ['bytes', 'packets', 'errs', 'drop'];
const layouts = new Map<string, Layout | null>();
const tokens: string[] = [];

function layoutOf(header: string): Layout | null {
  let layout = layouts.get(header);
  if (layout !== undefined) return layout;
  layout = null;
  const parts = header.split('|');
  if (parts.length === 3) {
    const rx = splitBlank(parts[1], 0, parts[1].length, []);
    const tx = splitBlank(parts[2], 0, parts[2].length, []);
    const rxIdx = NEEDED.map((n) => rx.indexOf(n));
    const txIdx = NEEDED.map((n) => tx.indexOf(n));
    if (!rxIdx.includes(-1) && !txIdx.includes(-1)) {
      layout = {
        columns: rx.length + tx.length,
        rx: rxIdx as Layout['rx'],
        tx: txIdx.map((i) => i + rx.length) as Layout['tx'],
      };
    }
  }
  if (layouts.size < 16) layouts.set(header, layout);
  return layout;
}

export function parseNetDev(text: string): NetDev {
  const interfaces = new Map<string, NetDevCounters>();
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  if (second < 0) return { interfaces, malformed: text.trim() === '' ? 0 : 1 };
  const layout = layoutOf(text.slice(first + 1, second));
  if (!layout) return { interfaces, malformed: 1 };
  let malformed = 0;
  let start = second + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    const lineStart = start;
    start = end + 1;
    if (colon < 0 || colon >= end) {
      if (text.slice(lineStart, end).trim() !== '') malformed++;
      continue;
    }
    const name = text.slice(lineStart, colon).trim();
    splitBlank(text, colon + 1, end, tokens);
    if (name === '' || tokens.length < layout.columns) {
      malformed++;
      continue;
    }
    const c = layout.rx;
    const t = layout.tx;
    const values = [
      parseU64(tokens[c[0]]), parseU64(tokens[c[1]]), parseU64(tokens[c[2]]), parseU64(tokens[c[3]]),
      parseU64(tokens[t[0]]), parseU64(tokens[t[1]]), parseU64(tokens[t[2]]), parseU64(tokens[t[3]]),
    ];
    if (values.includes(undefined)) {
      malformed++;
      continue;
    }
    const v = values as bigint[];
    interfaces.set(name, {
      rxBytes: v[0], rxPackets: v[1], rxErrors: v[2], rxDropped: v[3],
      txBytes: v[4], txPackets: v[5], txErrors: v[6], txDropped: v[7],
    });
  }
  return { interfaces, malformed };
}
