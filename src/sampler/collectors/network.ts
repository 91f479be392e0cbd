// docker_container_net: per-interface counters of the container's network namespace from
// /proc/<init pid>/net/dev, plus a `total` row. A kept net/dev descriptor goes on reading the
// namespace after the process exited, so liveness is checked first on a kept
// /proc/<pid>/oom_score_adj (the cheapest /proc/<pid> file), whose read fails once it is gone.
import { existsSync } from 'node:fs';
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import type { Row } from '../../model.js';
import { parseNetDev, type NetDevCounters } from '../parsers/net-dev.js';
import { readReusing, type FromText } from './read-helpers.js';

export const NET_MEASUREMENT = 'docker_container_net';
const NAME = 'network';
const TOTAL_TAGS = Object.freeze({ network: 'total' });
const MAX_CACHED_TAGS = 4096;

/** The two paths of one pid, built (and the liveness file probed) once per pid. */
interface PidFiles {
  pid: number;
  procRoot: string;
  liveness: string;
  netDev: string;
}

/** One net/dev's rows (frozen: reused while the file reads the same) and its malformed lines. */
interface NetRows {
  rows: readonly Row[];
  malformed: number;
}

/** What one container keeps between ticks. */
interface NetworkState {
  files?: PidFiles;
  /** The last net/dev text and its rows: a quiet namespace's counters stay the same. */
  last?: FromText<NetRows>;
}

function pidFiles(ctx: CollectorContext, state: NetworkState, pid: number): PidFiles {
  const cached = state.files;
  if (cached && cached.pid === pid && cached.procRoot === ctx.procRoot) return cached;
  const dir = `${ctx.procRoot}/${pid}`;
  const cheap = `${dir}/oom_score_adj`;
  return (state.files = { pid, procRoot: ctx.procRoot, liveness: existsSync(cheap) ? cheap : `${dir}/stat`, netDev: `${dir}/net/dev` });
}

export interface NetworkOptions {
  include_loopback: boolean;
}

function row(tags: Readonly<Record<string, string>>, c: NetDevCounters): Row {
  return Object.freeze({
    measurement: NET_MEASUREMENT,
    tags,
    fields: Object.freeze({
      rx_bytes: c.rxBytes,
      rx_packets: c.rxPackets,
      rx_errors: c.rxErrors,
      rx_dropped: c.rxDropped,
      tx_bytes: c.txBytes,
      tx_packets: c.txPackets,
      tx_errors: c.txErrors,
      tx_dropped: c.txDropped,
    }),
  });
}

export function createNetworkCollector(options: NetworkOptions): Collector<NetworkState> {
  const tagsByInterface = new Map<string, Readonly<Record<string, string>>>();

  function tagsFor(name: string): Readonly<Record<string, string>> {
    let tags = tagsByInterface.get(name);
    if (!tags) {
      tags = Object.freeze({ network: name });
      if (tagsByInterface.size < MAX_CACHED_TAGS) tagsByInterface.set(name, tags);
    }
    return tags;
  }

  /** Rows of every interface (lo only when asked) and the total; none when the file lists no interface. */
  function netRows(text: string): NetRows {
    const parsed = parseNetDev(text);
    const rows: Row[] = [];
    if (parsed.interfaces.size === 0) return { rows, malformed: parsed.malformed };
    const total: NetDevCounters = {
      rxBytes: 0n, rxPackets: 0n, rxErrors: 0n, rxDropped: 0n,
      txBytes: 0n, txPackets: 0n, txErrors: 0n, txDropped: 0n,
    };
    for (const [name, c] of parsed.interfaces) {
      if (name === 'lo' && !options.include_loopback) continue;
      rows.push(row(tagsFor(name), c));
      total.rxBytes += c.rxBytes;
      total.rxPackets += c.rxPackets;
      total.rxErrors += c.rxErrors;
      total.rxDropped += c.rxDropped;
      total.txBytes += c.txBytes;
      total.txPackets += c.txPackets;
      total.txErrors += c.txErrors;
      total.txDropped += c.txDropped;
    }
    rows.push(row(TOTAL_TAGS, total));
    return { rows, malformed: parsed.malformed };
  }

  return {
    name: NAME,
    createState: () => ({}),
    collect(ctx, state, out) {
      const { pid } = ctx.container;
      if (!pid) {
        ctx.errors.count(NAME, 'pid_gone');
        return;
      }
      const files = pidFiles(ctx, state, pid);
      if (ctx.read(files.liveness) === undefined) return;
      const made = (state.last = readReusing(ctx, NAME, files.netDev, netRows, state.last));
      if (!made) return;
      if (made.value.malformed > 0) ctx.errors.count(NAME, 'malformed', made.value.malformed);
      if (made.value.rows.length === 0) {
        ctx.errors.count(NAME, 'empty');
        return;
      }
      for (const r of made.value.rows) out.push(r);
    },
  };
}

/** `collectors.network`; `include_loopback` adds the `lo` row (and counts it in `total`). */
export const networkCollector = defineCollector({
  name: NAME,
  spec: { include_loopback: { leaf: { kind: 'bool' } } },
  defaults: { enabled: true, include_loopback: false },
  create: (settings) => createNetworkCollector({ include_loopback: settings.include_loopback }),
});
