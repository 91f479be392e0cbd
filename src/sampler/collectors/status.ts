// docker_container_status and docker_container_health, from what discovery knows of the container
// (no file is read). Times are ns since the epoch like Telegraf's. uptime_ns uses a wall clock
// derived from the monotonic clock (anchored once), so a wall-clock step on the host does not make
// uptimes jump between ticks.
import type { ContainerInfo, Row } from '../../model.js';
import type { Collector, CollectorContext } from '../collector.js';

export const STATUS_MEASUREMENT = 'docker_container_status';
export const HEALTH_MEASUREMENT = 'docker_container_health';
const NS_PER_MS = 1_000_000n;

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms)) * NS_PER_MS;
}

export interface StatusClock {
  /** Epoch ns at the monotonic instant `monotonicNs`. */
  epochNs: bigint;
  monotonicNs: bigint;
}

export function statusFields(c: ContainerInfo, nowEpochNs: bigint): Row['fields'] {
  const fields: Row['fields'] = {
    oomkilled: c.oomKilled,
    pid: BigInt(c.pid),
    exitcode: BigInt(c.exitCode),
    restart_count: BigInt(c.restartCount),
  };
  const started = c.startedAt !== undefined && c.startedAt > 0 ? msToNs(c.startedAt) : undefined;
  const finished = c.finishedAt !== undefined && c.finishedAt > 0 ? msToNs(c.finishedAt) : undefined;
  if (started !== undefined) fields.started_at = started;
  if (finished !== undefined) fields.finished_at = finished;
  if (started !== undefined) {
    if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') {
      if (nowEpochNs >= started) fields.uptime_ns = nowEpochNs - started;
    } else if (finished !== undefined && finished > started) {
      fields.uptime_ns = finished - started;
    }
  }
  return fields;
}

export function createStatusCollector(clock: StatusClock = { epochNs: BigInt(Date.now()) * NS_PER_MS, monotonicNs: process.hrtime.bigint() }): Collector {
  return {
    name: 'status',
    collect(ctx: CollectorContext, out: Row[]): void {
      const c = ctx.container;
      const now = clock.epochNs + (ctx.monotonicNs - clock.monotonicNs);
      out.push({ measurement: STATUS_MEASUREMENT, fields: statusFields(c, now) });
      if (c.health !== undefined) {
        out.push({
          measurement: HEALTH_MEASUREMENT,
          fields: { health_status: c.health, failing_streak: BigInt(c.failingStreak ?? 0) },
        });
      }
    },
  };
}
