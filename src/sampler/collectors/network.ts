// docker_container_net: per-interface counters of the container's network namespace, read from
// /proc/<init pid>/net/dev, plus a `total` row (the sum of the interfaces reported, so it includes
// `lo` only when include_loopback is set).
// Both files are read through the context (KeptFiles, descriptors kept between ticks, released by
// the sampler when the container leaves or its pid changes). A kept net/dev goes on reading the
// namespace it was opened in after the pid exited (verified on Linux 6.18), so liveness is read
// first on /proc/<pid>/stat, whose kept descriptor fails (ESRCH) once the process is gone: that
// failure is counted and makes the sampler drop the container's sample, as for a vanished cgroup.
import type { Collector } from '../collector.js';
import type { Row } from '../../model.js';
import { parseNetDev, type NetDevCounters } from '../parsers/net-dev.js';

export const NET_MEASUREMENT = 'docker_container_net';
const NAME = 'network';
const TOTAL_TAGS = Object.freeze({ network: 'total' });
const MAX_CACHED_TAGS = 4096;

export interface NetworkOptions {
  include_loopback: boolean;
}

function row(tags: Readonly<Record<string, string>>, c: NetDevCounters): Row {
  return {
    measurement: NET_MEASUREMENT,
    tags,
    fields: {
      rx_bytes: c.rxBytes,
      rx_packets: c.rxPackets,
      rx_errors: c.rxErrors,
      rx_dropped: c.rxDropped,
      tx_bytes: c.txBytes,
      tx_packets: c.txPackets,
      tx_errors: c.txErrors,
      tx_dropped: c.txDropped,
    },
  };
}

export function createNetworkCollector(options: NetworkOptions): Collector {
  const tagsByInterface = new Map<string, Readonly<Record<string, string>>>();

  function tagsFor(name: string): Readonly<Record<string, string>> {
    let tags = tagsByInterface.get(name);
    if (!tags) {
      tags = Object.freeze({ network: name });
      if (tagsByInterface.size < MAX_CACHED_TAGS) tagsByInterface.set(name, tags);
    }
    return tags;
  }

  return {
    name: NAME,
    collect(ctx, out) {
      const { pid } = ctx.container;
      if (!pid) {
        ctx.errors.count(NAME, 'pid_gone');
        return;
      }
      if (ctx.read(`${ctx.procRoot}/${pid}/stat`) === undefined) return;
      const text = ctx.read(`${ctx.procRoot}/${pid}/net/dev`);
      if (text === undefined) return;
      const parsed = parseNetDev(text);
      if (parsed.malformed > 0) ctx.errors.count(NAME, 'malformed', parsed.malformed);
      if (parsed.interfaces.size === 0) {
        ctx.errors.count(NAME, 'empty');
        return;
      }
      const total: NetDevCounters = {
        rxBytes: 0n, rxPackets: 0n, rxErrors: 0n, rxDropped: 0n,
        txBytes: 0n, txPackets: 0n, txErrors: 0n, txDropped: 0n,
      };
      for (const [name, c] of parsed.interfaces) {
        if (name === 'lo' && !options.include_loopback) continue;
        out.push(row(tagsFor(name), c));
        total.rxBytes += c.rxBytes;
        total.rxPackets += c.rxPackets;
        total.rxErrors += c.rxErrors;
        total.rxDropped += c.rxDropped;
        total.txBytes += c.txBytes;
        total.txPackets += c.txPackets;
        total.txErrors += c.txErrors;
        total.txDropped += c.txDropped;
      }
      out.push(row(TOTAL_TAGS, total));
    },
  };
}
