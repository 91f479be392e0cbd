// docker_container_pids: tasks (processes and threads) in the cgroup and the pids limit
// (`pids.max`; `max` = no limit, then `limit` is absent; re-read every 30 s). Same files on v1
// (pids controller) and v2.
import type { Row } from '../../model.js';
import { defineCollector, type Collector } from '../collector.js';
import { parseLimit, parseSingleU64, type Limit } from '../parsers/single-value.js';
import { LIMITS_REFRESH_NS, filePaths, isDue, readParsed, type FilePaths } from './read-helpers.js';

export const PIDS_MEASUREMENT = 'docker_container_pids';
const NAME = 'pids';
const FILES = { current: 'pids.current', max: 'pids.max' } as const;
const parsePidsMax = (text: string) => parseLimit(text);

/** What one container keeps between ticks. */
interface PidsState {
  files?: FilePaths<keyof typeof FILES>;
  /** pids.max's last reading: re-read every LIMITS_REFRESH_NS, shipped every tick. */
  max?: { at: bigint | undefined; limit: Limit | undefined };
}

export function createPidsCollector(): Collector<PidsState> {
  return {
    name: NAME,
    createState: () => ({}),
    collect(ctx, state, out) {
      const { version, dirs } = ctx.cgroup;
      const dir = version === 2 ? dirs.unified : dirs.pids;
      if (!dir) return;
      const p = (state.files = filePaths(state.files, dir, FILES)).paths;
      const current = readParsed(ctx, NAME, p.current, parseSingleU64);
      if (current === undefined) return;
      const fields: Row['fields'] = { current };
      let max = state.max;
      if (!max || isDue(max.at, ctx.monotonicNs, LIMITS_REFRESH_NS)) {
        const limit = readParsed(ctx, NAME, p.max, parsePidsMax, 'once');
        // A failed read is tried again next tick, not in 30 s.
        state.max = max = { at: limit === undefined ? undefined : ctx.monotonicNs, limit };
      }
      if (max.limit && !max.limit.unlimited) fields.limit = max.limit.value;
      out.push({ measurement: PIDS_MEASUREMENT, fields });
    },
  };
}

/** `collectors.pids`: no option besides `enabled`. */
export const pidsCollector = defineCollector({
  name: NAME,
  spec: {},
  defaults: { enabled: true },
  create: () => createPidsCollector(),
});
