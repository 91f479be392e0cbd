// Reading one cgroup file and handing it to a pure parser, with the outcome counted: an empty
// file or one the parser refuses is skipped and counted under the collector (missing and
// unreadable files are already counted by KeptFiles).
import type { CollectorContext, ReadMode } from '../collector.js';
import { parseFlatKeyed, type WantedKeys } from '../parsers/flat-keyed.js';

export function readParsed<T>(ctx: CollectorContext, collector: string, path: string, parse: (text: string) => T | undefined, mode: ReadMode = 'kept'): T | undefined {
  const text = ctx.read(path, mode);
  if (text === undefined) return undefined;
  if (text.length === 0) {
    ctx.errors.count(collector, 'empty');
    return undefined;
  }
  const value = parse(text);
  if (value === undefined) ctx.errors.count(collector, 'malformed');
  return value;
}

/** A file's text and what was made from it. */
export interface FromText<T> {
  readonly text: string;
  readonly value: T;
}

/**
 * readParsed() for a file that often reads the same tick after tick (an idle container's
 * pressure, network and pids files): when the text equals `last.text`, `last` itself is returned
 * and nothing is parsed or built again. Rows made this way are handed out again, so they are
 * frozen (`Object.freeze`); the encoder knows the row and reuses its line (line-encoder.ts).
 * Outcomes are counted as by readParsed().
 */
export function readReusing<T>(ctx: CollectorContext, collector: string, path: string, make: (text: string) => T | undefined, last: FromText<T> | undefined): FromText<T> | undefined {
  const text = ctx.read(path);
  if (text === undefined) return undefined;
  if (last !== undefined && last.text === text) return last;
  if (text.length === 0) {
    ctx.errors.count(collector, 'empty');
    return undefined;
  }
  const value = make(text);
  if (value === undefined) {
    ctx.errors.count(collector, 'malformed');
    return undefined;
  }
  return { text, value };
}

/** The wanted keys of a flat keyed file; malformed lines are counted, the good ones kept. */
export function readFlatKeyed<K extends string>(ctx: CollectorContext, collector: string, path: string, wanted: WantedKeys<K>): Partial<Record<K, bigint>> | undefined {
  const text = ctx.read(path);
  if (text === undefined) return undefined;
  if (text.length === 0) {
    ctx.errors.count(collector, 'empty');
    return undefined;
  }
  const parsed = parseFlatKeyed(text, wanted);
  if (parsed.malformed > 0) ctx.errors.count(collector, 'malformed', parsed.malformed);
  return parsed.values;
}

/** Absolute paths of a collector's files in one directory, kept in the container's state. */
export interface FilePaths<K extends string> {
  readonly dir: string;
  readonly paths: Readonly<Record<K, string>>;
}

/**
 * The paths of `names` in `dir`: `cached` when it was built for the same directory (paths are
 * not concatenated again every tick), else built afresh. Store the result back in the state.
 */
export function filePaths<K extends string>(cached: FilePaths<K> | undefined, dir: string, names: Readonly<Record<K, string>>): FilePaths<K> {
  if (cached && cached.dir === dir) return cached;
  const paths = {} as Record<K, string>;
  for (const key of Object.keys(names) as K[]) paths[key] = `${dir}/${names[key]}`;
  return { dir, paths };
}

/**
 * Limits (`cpu.cfs_quota_us`, `cpu.max`, cpusets, `memory.limit_in_bytes`, `memory.max`,
 * `pids.max`) change only on `docker update` (a restart is a fresh cgroup, read afresh): they are
 * read on a container's first tick, then every 30 s, and ship every tick from that reading. They
 * are read with `'rare'`: kept open while descriptors are plentiful (an open and a close cost
 * twice the read), otherwise opened, read and closed, so that a descriptor kept for a file read
 * twice a minute is never one fewer for a file read every tick, within the open-files limit.
 */
export const LIMITS_REFRESH_NS = 30_000_000_000n;

/**
 * Slow counters (v1 `memory.max_usage_in_bytes`, and `memory.oom_control`, `memory.failcnt` while
 * no limit can be hit; v2 `memory.peak`, and `memory.events` while no limit can be hit):
 * monotonic or a peak, so reading them less often loses nothing but latency. Read every 30 s and
 * at the next tick after Docker reports an OOM kill in the container, shipped every tick from the
 * last reading. At the default 10 s interval a 10 s period read these files every tick.
 */
export const SLOW_COUNTERS_REFRESH_NS = 30_000_000_000n;

/**
 * How early a refresh may come. A tick's time is taken when it starts, which jitters by
 * milliseconds: at a 10 s interval two ticks are 9.998 s apart as often as 10.002, and a 10 s
 * period would be read every other tick. Far below any interval, so no period gains a tick.
 */
export const REFRESH_SLACK_NS = 250_000_000n;

/** True on the first tick (`lastNs` undefined) and once `everyNs` passed, within REFRESH_SLACK_NS (or the clock went back). */
export function isDue(lastNs: bigint | undefined, nowNs: bigint, everyNs: bigint): boolean {
  return lastNs === undefined || nowNs - lastNs + REFRESH_SLACK_NS >= everyNs || nowNs < lastNs;
}
