// docker_container_pids: tasks (processes and threads) in the cgroup and the pids limit
// (`pids.max`; `max` = no limit, then `limit` is absent). Same files on v1 (pids controller) and v2.
import type { Row } from '../../model.js';
import type { Collector, CollectorContext } from '../collector.js';
import { parseLimit, parseSingleU64 } from '../parsers/single-value.js';
import { filePaths, readParsed } from './read-helpers.js';

export const PIDS_MEASUREMENT = 'docker_container_pids';
const NAME = 'pids';
const FILES = { current: 'pids.current', max: 'pids.max' } as const;
const parsePidsMax = (text: string) => parseLimit(text);

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
      const max = readParsed(ctx, NAME, p.max, parsePidsMax);
      if (max && !max.unlimited) fields.limit = max.value;
      out.push({ measurement: PIDS_MEASUREMENT, fields });
    },
  };
}
