// docker_container_blkio: bytes and operations per block device plus a `total` row.
// v1 may count the same I/O in up to three layers (BFQ, legacy CFQ, throttle): per device the first
// populated one is used, in runc's order, never a sum; once known only that source is read (all of
// them every 60 s); an idle container watches the layer this host's I/O was last found in. v2
// reads io.stat. See docs/metrics.md for the throttle-rule caveat on v1.
import { defineCollector, type Collector, type CollectorContext } from '../collector.js';
import type { Row } from '../../model.js';
import { existsSync } from 'node:fs';
import { BlockDevices } from '../block-devices.js';
import { isDue, type FromText } from './read-helpers.js';
import { parseBlkioV1, type BlkioOps, type BlkioV1Stats } from '../parsers/blkio-v1.js';
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
  /** Each source's layer: its index in V1_SOURCES (0 BFQ, 1 CFQ, 2 throttle). */
  layers: number[];
  /**
   * The sources the devices were taken from, when every device was populated: only those are read
   * until the next full read (FULL_READ_NS). Counters only grow, so a populated device keeps its
   * source; what a partial read can miss (a higher-priority source starting to count, a device
   * appearing in another source) shows at the next full read. Undefined: read every source,
   * unless `idle`.
   */
  chosen?: Array<readonly [string, string]>;
  /**
   * No source listed a device (no I/O yet, or a recent kernel that counts nothing without a
   * throttle rule: see docs/metrics.md): one source is watched until the full read, the layer
   * where the host's containers' I/O was last found (the throttle layer until any is), and a
   * device seen there brings a full read at once.
   */
  idle?: boolean;
  /** When every source was last read. */
  fullAt?: bigint;
  /**
   * Each source file's last text and its parse: an idle container's files read the same tick
   * after tick, and parsing them again made ~2 KB of strings, maps and BigInts per container.
   * The parses are only read (rows and totals are built afresh), so they can be handed out again.
   */
  parsed: Map<string, FromText<BlkioV1Stats>>;
}

/** Every source is read again at least this often (60 s). */
export const FULL_READ_NS = 60_000_000_000n;

interface DeviceIo {
  bytes: BlkioOps;
  ios: BlkioOps;
}

const ZERO: BlkioOps = Object.freeze({ read: 0n, write: 0n, total: 0n });
const NO_DEVICES: BlkioV1Stats = Object.freeze({ devices: new Map<string, BlkioOps>(), malformed: 0 });

/** Which source files this cgroup has, probed once (a file missing on this kernel is not an error). */
function probeV1(dir: string): V1Files {
  const sources: Array<readonly [string, string]> = [];
  const layers: number[] = [];
  for (const [layer, names] of V1_SOURCES.entries()) {
    const found = names.find(([bytes, ios]) => existsSync(`${dir}/${bytes}`) && existsSync(`${dir}/${ios}`));
    if (!found) continue;
    sources.push([`${dir}/${found[0]}`, `${dir}/${found[1]}`]);
    layers.push(layer);
  }
  return { dir, sources, layers, parsed: new Map() };
}

/**
 * parseBlkioV1(text), or the last parse of `path` when its text is unchanged. Not readReusing():
 * a source may be read twice in a tick and its malformed lines are counted once, by readV1.
 */
function parseSource(files: V1Files, path: string, text: string): BlkioV1Stats {
  const last = files.parsed.get(path);
  if (last !== undefined && last.text === text) return last.value;
  const value = parseBlkioV1(text);
  files.parsed.set(path, { text, value });
  return value;
}

function populated(d: DeviceIo): boolean {
  return d.bytes.total > 0n || d.ios.total > 0n;
}

/** Sources come in priority order: a later one only replaces an all-zero earlier one. True when taken. */
function consider(chosen: Map<string, DeviceIo>, id: string, bytes: BlkioOps, ios: BlkioOps): boolean {
  const current = chosen.get(id);
  if (current && (populated(current) || !(bytes.total > 0n || ios.total > 0n))) return false;
  chosen.set(id, { bytes, ios });
  return true;
}

function everyPopulated(chosen: Map<string, DeviceIo>): boolean {
  if (chosen.size === 0) return false;
  for (const d of chosen.values()) if (!populated(d)) return false;
  return true;
}

/** The highest-priority layer a populated device was taken from (`from`: indexes of a full read's sources). */
function firstPopulatedLayer(chosen: Map<string, DeviceIo>, from: Map<string, number>, layers: readonly number[]): number | undefined {
  let layer: number | undefined;
  for (const [id, s] of from) if (populated(chosen.get(id)!) && (layer === undefined || layers[s] < layer)) layer = layers[s];
  return layer;
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

/** What one container keeps between ticks. */
interface BlkioState {
  v1?: V1Files;
}

export function createBlkioCollector(): Collector<BlkioState> {
  let devices: BlockDevices | undefined;
  /**
   * The layer (V1_SOURCES index) where a full read last found a container's I/O: the same kernel
   * and disks for every container, so an idle one watches it. On a BFQ disk without a throttle rule
   * only BFQ counts, and watching the throttle layer showed a container's first I/O up to 60 s late.
   */
  let ioLayer: number | undefined;

  /** The one source an idle container reads between full reads. */
  function watched(files: V1Files): readonly [string, string] {
    const i = ioLayer === undefined ? -1 : files.layers.indexOf(ioLayer);
    return files.sources[i >= 0 ? i : files.sources.length - 1];
  }

  function devicesFor(sysRoot: string): BlockDevices {
    if (!devices || devices.sysRoot !== sysRoot) devices = new BlockDevices(sysRoot);
    return devices;
  }

  /** Per-device I/O picked from the v1 sources; undefined when no source could be read. */
  function readV1(ctx: CollectorContext, state: BlkioState, dir: string): Map<string, DeviceIo> | undefined {
    let files = state.v1;
    if (!files || files.dir !== dir) state.v1 = files = probeV1(dir);
    if (files.sources.length === 0) {
      ctx.errors.count(NAME, 'missing');
      return undefined;
    }
    let all = (files.chosen === undefined && !files.idle) || isDue(files.fullAt, ctx.monotonicNs, FULL_READ_NS);
    let read = readSources(ctx, files, all ? files.sources : files.idle ? [watched(files)] : files.chosen!);
    // The first device of an idle container: every source, so that it is taken from the right one.
    if (!all && files.idle && read.chosen.size > 0) {
      all = true;
      read = readSources(ctx, files, files.sources);
    }
    const { chosen, from, readable, malformed } = read;
    if (malformed > 0) ctx.errors.count(NAME, 'malformed', malformed);
    const wasIdle = files.idle === true;
    files.idle = false;
    if (readable === 0) {
      files.chosen = undefined;
      return undefined;
    }
    if (all) {
      files.fullAt = ctx.monotonicNs;
      const layer = firstPopulatedLayer(chosen, from, files.layers);
      if (layer !== undefined) ioLayer = layer;
    }
    if (everyPopulated(chosen)) {
      const sources = all ? files.sources : files.chosen!;
      files.chosen = [...new Set(from.values())].sort((a, b) => a - b).map((s) => sources[s]);
    } else {
      files.chosen = undefined;
      // Still no device: an idle container stays on one source until the full read.
      files.idle = chosen.size === 0 && (all || wasIdle);
    }
    return chosen;
  }

  /**
   * Reads `sources` in priority order: per device the first populated one (`from`: its index).
   * Malformed lines are returned, not counted: a source may be read twice in a tick.
   */
  function readSources(ctx: CollectorContext, files: V1Files, sources: ReadonlyArray<readonly [string, string]>) {
    const chosen = new Map<string, DeviceIo>();
    const from = new Map<string, number>();
    let readable = 0;
    let malformed = 0;
    for (let s = 0; s < sources.length; s++) {
      const [bytesPath, iosPath] = sources[s];
      const bytesText = ctx.read(bytesPath);
      if (bytesText === undefined) continue;
      const bytes = parseSource(files, bytesPath, bytesText);
      // Both files list the same devices (one line set per blkg): no device in one, none in the other.
      const ios = bytes.devices.size === 0 && bytes.malformed === 0 ? NO_DEVICES : readIos(ctx, files, iosPath);
      if (!ios) continue;
      readable++;
      malformed += bytes.malformed + ios.malformed;
      for (const [id, b] of bytes.devices) if (consider(chosen, id, b, ios.devices.get(id) ?? ZERO)) from.set(id, s);
      for (const [id, i] of ios.devices) if (!bytes.devices.has(id) && consider(chosen, id, ZERO, i)) from.set(id, s);
    }
    return { chosen, from, readable, malformed };
  }

  function readIos(ctx: CollectorContext, files: V1Files, path: string): BlkioV1Stats | undefined {
    const text = ctx.read(path);
    return text === undefined ? undefined : parseSource(files, path, text);
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
    createState: () => ({}),
    collect(ctx, state, out) {
      const dir = ctx.cgroup.version === 2 ? ctx.cgroup.dirs.unified : ctx.cgroup.dirs.blkio;
      if (!dir) return; // controller not mounted: nothing to report
      const perDevice = ctx.cgroup.version === 2 ? readV2(ctx, dir) : readV1(ctx, state, dir);
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

/** `collectors.blkio`: no option besides `enabled`. */
export const blkioCollector = defineCollector({
  name: NAME,
  spec: {},
  defaults: { enabled: true },
  create: () => createBlkioCollector(),
});
