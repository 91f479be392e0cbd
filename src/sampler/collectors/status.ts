// docker_container_status and docker_container_health, from what discovery knows of the container
// (no file is read). Times are ns since the epoch like Telegraf's. uptime_ns uses a wall clock
// derived from the monotonic clock (anchored once), so a wall-clock step on the host does not make
// uptimes jump between ticks.
import type { ContainerInfo, Row } from '../../model.js';
import { defineCollector, type Collector } from '../collector.js';

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

/** A whole number as an int field; undefined (field left out) for anything else. */
function int(n: number | undefined): bigint | undefined {
  return Number.isSafeInteger(n) ? BigInt(n as number) : undefined;
}

function epochNs(ms: number | undefined): bigint | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? msToNs(ms) : undefined;
}

export function statusFields(c: ContainerInfo, nowEpochNs: bigint): Row['fields'] {
  const fields: Row['fields'] = { oomkilled: c.oomKilled === true };
  if (typeof c.state === 'string' && c.state !== '') fields.state = c.state;
  const pid = int(c.pid);
  const exitCode = int(c.exitCode);
  const restarts = int(c.restartCount);
  if (pid !== undefined) fields.pid = pid;
  if (exitCode !== undefined) fields.exitcode = exitCode;
  if (restarts !== undefined) fields.restart_count = restarts;
  const started = epochNs(c.startedAt);
  const finished = epochNs(c.finishedAt);
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

const NAME = 'status';

/** No per-container state: everything comes from discovery's ContainerInfo. */
export function createStatusCollector(clock: StatusClock = { epochNs: BigInt(Date.now()) * NS_PER_MS, monotonicNs: process.hrtime.bigint() }): Collector<undefined> {
  return {
    name: NAME,
    withoutProcess: true,
    createState: () => undefined,
    collect(ctx, _state, out) {
      const c = ctx.container;
      const now = clock.epochNs + (ctx.monotonicNs - clock.monotonicNs);
      out.push({ measurement: STATUS_MEASUREMENT, fields: statusFields(c, now) });
      if (c.health !== undefined) {
        out.push({
          measurement: HEALTH_MEASUREMENT,
          fields: { health_status: c.health, failing_streak: int(c.failingStreak) ?? 0n },
        });
      }
    },
  };
}

/** `collectors.status`: no option besides `enabled`. */
export const statusCollector = defineCollector({
  name: NAME,
  spec: {},
  defaults: { enabled: true },
  create: () => createStatusCollector(),
});
