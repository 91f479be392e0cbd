// docker_container_net: per-interface counters of the container's network namespace, read from
// /proc/<init pid>/net/dev, plus a `total` row (the sum of the interfaces reported, so it includes
// `lo` only when include_loopback is set).
// The descriptor is kept open between ticks (ProcFiles) and closed when the init pid changes
// (restart) or the container leaves. A kept net/dev keeps reading the namespace it was opened in
// even after the pid exited (verified on Linux 6.18), so liveness is checked on a kept
// /proc/<pid>/stat, which fails with ESRCH once the process is gone: then no row, counted `pid_gone`.
import type { Collector } from '../collector.js';
import type { Row } from '../../model.js';
import { GONE, ProcFiles } from '../proc-files.js';
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

export function createNetworkCollector(options: NetworkOptions, files = new ProcFiles()): Collector {
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
      const { id, pid } = ctx.container;
      if (!pid) {
        ctx.errors.count(NAME, 'pid_gone');
        return;
      }
      const statKey = `stat/${id}`;
      const netKey = `net/${id}`;
      // ProcFiles hands back one reused result object: take what is needed before the next read.
      const alive = files.read(statKey, `${ctx.procRoot}/${pid}/stat`);
      const aliveText = alive.text;
      if (alive.reopened) files.close(netKey); // that descriptor may hold a dead pid's namespace
      const net = aliveText === undefined || aliveText === GONE ? alive : files.read(netKey, `${ctx.procRoot}/${pid}/net/dev`);
      if (net.text === GONE || net.text === undefined) {
        ctx.errors.count(NAME, net.text === GONE ? 'pid_gone' : 'unreadable');
        files.close(statKey);
        files.close(netKey);
        return;
      }
      const parsed = parseNetDev(net.text);
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
    forget(containerId) {
      files.close(`stat/${containerId}`);
      files.close(`net/${containerId}`);
    },
  };
}
