// docker_container_pids: tasks (processes and threads) in the cgroup and the pids limit
// (`pids.max`; `max` = no limit, then `limit` is absent; re-read every 30 s). Same files on v1
// (pids controller) and v2.
import type { Row } from '../../model.js';
import { defineCollector, type Collector } from '../collector.js';
import { parseLimit, parseSingleU64, type Limit } from '../parsers/single-value.js';
import { LIMITS_REFRESH_NS, filePaths, isDue, readParsed, readReusing, type FilePaths, type FromText } from './read-helpers.js';

export const PIDS_MEASUREMENT = 'docker_container_pids';
const NAME = 'pids';
const FILES = { current: 'pids.current', max: 'pids.max' } as const;
const parsePidsMax = (text: string) => parseLimit(text);

/** What one container keeps between ticks. */
interface PidsState {
  files?: FilePaths<keyof typeof FILES>;
  /** pids.max's last reading: re-read every LIMITS_REFRESH_NS, shipped every tick. */
  max?: { at: bigint | undefined; limit: Limit | undefined };
  /** pids.current's last text and value; the row made from them and the limit reading it carries. */
  current?: FromText<bigint>;
  row?: { current: FromText<bigint>; max: PidsState['max']; row: Row };
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
      const current = (state.current = readReusing(ctx, NAME, p.current, parseSingleU64, state.current));
      if (current === undefined) return;
      let max = state.max;
      if (!max || isDue(max.at, ctx.monotonicNs, LIMITS_REFRESH_NS)) {
        const limit = readParsed(ctx, NAME, p.max, parsePidsMax, 'rare');
        // A failed read is tried again next tick, not in 30 s.
        state.max = max = { at: limit === undefined ? undefined : ctx.monotonicNs, limit };
      }
      // The same text and the same limit reading: the same (frozen) row, whose line the encoder reuses.
      if (state.row && state.row.current === current && state.row.max === max) {
        out.push(state.row.row);
        return;
      }
      const fields: Row['fields'] = { current: current.value };
      if (max.limit && !max.limit.unlimited) fields.limit = max.limit.value;
      const row = Object.freeze({ measurement: PIDS_MEASUREMENT, fields: Object.freeze(fields) });
      state.row = { current, max, row };
      out.push(row);
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
