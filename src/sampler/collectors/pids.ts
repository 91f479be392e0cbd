// docker_container_pids: tasks (processes and threads) in the cgroup and the pids limit
// (`pids.max`; `max` = no limit, then `limit` is absent; re-read every 30 s). Same files on v1
// (pids controller) and v2.
import type { Row } from '../../model.js';
import type { Collector, CollectorContext } from '../collector.js';
import { parseLimit, parseSingleU64, type Limit } from '../parsers/single-value.js';
import { LIMITS_REFRESH_NS, filePaths, isDue, readParsed } from './read-helpers.js';

export const PIDS_MEASUREMENT = 'docker_container_pids';
const NAME = 'pids';
const FILES = { current: 'pids.current', max: 'pids.max' } as const;
const parsePidsMax = (text: string) => parseLimit(text);

/** pids.max's last reading: re-read every LIMITS_REFRESH_NS, shipped every tick. */
interface CachedMax {
  at: bigint;
  max: Limit | undefined;
}

export function createPidsCollector(): Collector {
  return {
    name: NAME,
    collect(ctx: CollectorContext, out: Row[]): void {
      const { version, dirs } = ctx.cgroup;
      const dir = version === 2 ? dirs.unified : dirs.pids;
      if (!dir) return;
      const p = filePaths(ctx, 'files', dir, FILES);
      const current = readParsed(ctx, NAME, p.current, parseSingleU64);
      if (current === undefined) return;
      const fields: Row['fields'] = { current };
      let cached = ctx.state.get('max') as CachedMax | undefined;
      if (!cached || isDue(cached.at, ctx.monotonicNs, LIMITS_REFRESH_NS)) {
        ctx.state.set('max', (cached = { at: ctx.monotonicNs, max: readParsed(ctx, NAME, p.max, parsePidsMax) }));
      }
      const max = cached.max;
      if (max && !max.unlimited) fields.limit = max.value;
      out.push({ measurement: PIDS_MEASUREMENT, fields });
    },
  };
}
