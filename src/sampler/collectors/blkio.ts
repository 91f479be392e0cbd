// docker_container_blkio: bytes and operations per block device plus a `total` row.
// v1 has up to three sources of the same I/O, counted at different layers: the BFQ scheduler
// (`blkio.bfq.*`), the legacy CFQ scheduler (`blkio.io_*`, gone since Linux 5.0) and the throttle
// layer (`blkio.throttle.*`). Per device, the first POPULATED source in that order is used (the order
// runc uses for Docker's stats API), never a sum of two. `_recursive` files are preferred; the plain
// ones are the fallback on kernels without them. Caveat (Linux ≥ 5.x with blk-mq, scheduler
// `none`): the throttle counters stay at zero unless the cgroup has a throttle rule.
// v2 reads io.stat; `total` = read + write + discard, like the v1 kernel `Total`.
import type { Collector, CollectorContext } from '../collector.js';
import type { Row } from '../../model.js';
import { existsSync } from 'node:fs';
import { BlockDevices } from '../block-devices.js';
import { parseBlkioV1, type BlkioOps } from '../parsers/blkio-v1.js';
import { parseIoStat } from '../parsers/io-stat.js';

export const BLKIO_MEASUREMENT = 'docker_container_blkio';
const NAME = 'blkio';
const TOTAL_TAGS = Object.freeze({ device: 'total' });

/** [bytes file, ios file] per source, recursive names first, in priority order. */
const V1_SOURCES: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [
  [['blkio.bfq.io_service_bytes_recursive', 'blkio.bfq.io_serviced_recursive'], ['blkio.bfq.io_service_bytes', 'blkio.bfq.io_serviced']],
  [['blkio.io_service_bytes_recursive', 'blkio.io_serviced_recursive'], ['blkio.io_service_bytes', 'blkio.io_serviced']],
  [['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_serviced_recursive'], ['blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced']],
];

interface V1Files {
  dir: string;
  /** Absolute [bytes, ios] paths of the sources that exist in this cgroup, in priority order. */
  sources: Array<readonly [string, string]>;
}

interface DeviceIo {
  bytes: BlkioOps;
  ios: BlkioOps;
}

const ZERO: BlkioOps = Object.freeze({ read: 0n, write: 0n, total: 0n });

/** Which source files this cgroup has, probed once (a file missing on this kernel is not an error). */
function probeV1(dir: string): V1Files {
  const sources: Array<readonly [string, string]> = [];
  for (const names of V1_SOURCES) {
    const found = names.find(([bytes, ios]) => existsSync(`${dir}/${bytes}`) && existsSync(`${dir}/${ios}`));
    if (found) sources.push([`${dir}/${found[0]}`, `${dir}/${found[1]}`]);
  }
  return { dir, sources };
}

function populated(d: DeviceIo): boolean {
  return d.bytes.total > 0n || d.ios.total > 0n;
}

/** Sources come in priority order: a later one only replaces an all-zero earlier one. */
function consider(chosen: Map<string, DeviceIo>, id: string, bytes: BlkioOps, ios: BlkioOps): void {
  const current = chosen.get(id);
  if (current && (populated(current) || !(bytes.total > 0n || ios.total > 0n))) return;
  chosen.set(id, { bytes, ios });
}

function row(tags: Readonly<Record<string, string>>, d: DeviceIo): Row {
  return {
    measurement: BLKIO_MEASUREMENT,
    tags,
    fields: {
      io_service_bytes_recursive_read: d.bytes.read,
      io_service_bytes_recursive_write: d.bytes.write,
      io_service_bytes_recursive_total: d.bytes.total,
      io_serviced_recursive_read: d.ios.read,
      io_serviced_recursive_write: d.ios.write,
      io_serviced_recursive_total: d.ios.total,
    },
  };
}

export function createBlkioCollector(): Collector {
  let devices: BlockDevices | undefined;

  function devicesFor(sysRoot: string): BlockDevices {
    if (!devices || devices.sysRoot !== sysRoot) devices = new BlockDevices(sysRoot);
    return devices;
  }

  /** Per-device I/O picked from the v1 sources; undefined when no source could be read. */
  function readV1(ctx: CollectorContext, dir: string): Map<string, DeviceIo> | undefined {
    let files = ctx.state.get('files') as V1Files | undefined;
    if (!files || files.dir !== dir) ctx.state.set('files', (files = probeV1(dir)));
    if (files.sources.length === 0) {
      ctx.errors.count(NAME, 'missing');
      return undefined;
    }
    const chosen = new Map<string, DeviceIo>();
    let readable = 0;
    for (const [bytesPath, iosPath] of files.sources) {
      const bytesText = ctx.read(bytesPath);
      const iosText = bytesText === undefined ? undefined : ctx.read(iosPath);
      if (bytesText === undefined || iosText === undefined) continue;
      readable++;
      const bytes = parseBlkioV1(bytesText);
      const ios = parseBlkioV1(iosText);
      if (bytes.malformed + ios.malformed > 0) ctx.errors.count(NAME, 'malformed', bytes.malformed + ios.malformed);
      for (const [id, b] of bytes.devices) consider(chosen, id, b, ios.devices.get(id) ?? ZERO);
      for (const [id, i] of ios.devices) if (!bytes.devices.has(id)) consider(chosen, id, ZERO, i);
    }
    return readable > 0 ? chosen : undefined;
  }

  function readV2(ctx: CollectorContext, dir: string): Map<string, DeviceIo> | undefined {
    const text = ctx.read(`${dir}/io.stat`);
    if (text === undefined) return undefined;
    const stat = parseIoStat(text);
    if (stat.malformed > 0) ctx.errors.count(NAME, 'malformed', stat.malformed);
    const out = new Map<string, DeviceIo>();
    for (const [id, d] of stat.devices) {
      out.set(id, {
        bytes: { read: d.rbytes, write: d.wbytes, total: d.rbytes + d.wbytes + d.dbytes },
        ios: { read: d.rios, write: d.wios, total: d.rios + d.wios + d.dios },
      });
    }
    return out;
  }

  return {
    name: NAME,
    collect(ctx, out) {
      const dir = ctx.cgroup.version === 2 ? ctx.cgroup.dirs.unified : ctx.cgroup.dirs.blkio;
      if (!dir) return; // controller not mounted: nothing to report
      const perDevice = ctx.cgroup.version === 2 ? readV2(ctx, dir) : readV1(ctx, dir);
      if (!perDevice) return;
      const names = devicesFor(ctx.sysRoot);
      const total: DeviceIo = { bytes: { read: 0n, write: 0n, total: 0n }, ios: { read: 0n, write: 0n, total: 0n } };
      for (const [id, d] of perDevice) {
        out.push(row(names.tags(id), d));
        total.bytes.read += d.bytes.read;
        total.bytes.write += d.bytes.write;
        total.bytes.total += d.bytes.total;
        total.ios.read += d.ios.read;
        total.ios.write += d.ios.write;
        total.ios.total += d.ios.total;
      }
      out.push(row(TOTAL_TAGS, total));
    },
  };
}
