// The tick clock. Every tick carries ONE nominal timestamp (the aligned, scheduled time) shared by
// all containers of that tick, so points of the same tick line up in queries. Ticks never overlap:
// a slot that comes (or passes, while a long tick blocks the event loop) before the running tick
// ends is skipped and counted, because two ticks reading the same counters at once would produce
// garbage deltas. `every_ms` slots are multiples of the interval since the epoch, computed with
// arithmetic; `cron` expressions get their next slot from npm `cron`'s CronTime once per tick.
// Both run on one setTimeout of ours: cron's CronJob recomputed dates with luxon two or three
// times per tick and wrote its own warnings on stderr (docs/performance.md has the figures).
import { CronTime, validateCronExpression } from 'cron';
import type { Config } from '../config/schema.js';
import { logger as makeLogger, type Logger } from '../log.js';
import type { Counter, Gauge, MetricsRegistry } from './self-metrics.js';

export interface Tick {
  /** Nominal time of the tick, ms since the epoch: the scheduled slot, not "now". */
  scheduledMs: number;
  /** 1 for the first tick that ran, then +1 per tick that ran (skipped ticks take no number). */
  seq: number;
}

export type TickHandler = (tick: Tick) => void | Promise<void>;

export interface SchedulerOptions {
  interval: Config['interval'];
  log?: Logger;
  /** When given, ticks_total, ticks_skipped_total, tick_errors_total and tick_duration_seconds live there. */
  metrics?: MetricsRegistry;
  /** Time zone of `cron` expressions; defaults to the system's. `every_ms` always aligns in UTC. */
  timeZone?: string;
  /** At most one "tick skipped" log line per this many ms (the count covers the rest). Default 60 s. */
  skipLogEveryMs?: number;
}

export interface SchedulerStats {
  ticks: number;
  ticksSkipped: number;
  tickErrors: number;
  /** Nominal time of the last tick that finished, or null. */
  lastTickMs: number | null;
  lastDurationMs: number | null;
  running: boolean;
}

export class Scheduler {
  private readonly log: Logger;
  private readonly everyMs: number | null;
  private readonly cronTime: CronTime | null;
  private readonly cronExpr: string | null;
  private readonly cronTimeZone: string | undefined;
  private readonly skipLogEveryMs: number;
  private handler: TickHandler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private running: Promise<void> | null = null;
  private runningSince = 0;
  private lastScheduledMs = -Infinity;
  private seq = 0;
  private readonly stats_: SchedulerStats = {
    ticks: 0, ticksSkipped: 0, tickErrors: 0, lastTickMs: null, lastDurationMs: null, running: false,
  };
  private skipsSinceLog = 0;
  private lastSkipLogMs = -Infinity;
  private readonly counters: { ticks?: Counter; skipped?: Counter; errors?: Counter; duration?: Gauge } = {};

  constructor(options: SchedulerOptions) {
    this.log = options.log ?? makeLogger('scheduler');
    this.skipLogEveryMs = options.skipLogEveryMs ?? 60_000;
    const { every_ms, cron } = options.interval;
    if (cron) {
      const check = validateCronExpression(cron);
      if (!check.valid) throw new Error(`interval: invalid cron expression '${cron}': ${check.error?.message ?? 'rejected by cron'}`);
      this.everyMs = null;
      this.cronExpr = cron;
      this.cronTimeZone = options.timeZone;
      this.cronTime = new CronTime(cron, options.timeZone ?? null);
    } else if (every_ms && every_ms > 0) {
      this.everyMs = every_ms;
      this.cronExpr = null;
      this.cronTimeZone = undefined;
      this.cronTime = null;
    } else {
      throw new Error('interval: expected every_ms > 0 or a cron expression');
    }
    const m = options.metrics;
    if (m) {
      this.counters.ticks = m.counter('ticks_total', 'Ticks that ran.');
      this.counters.skipped = m.counter('ticks_skipped_total', 'Ticks skipped because the previous tick was still running.');
      this.counters.errors = m.counter('tick_errors_total', 'Ticks that ended with an error.');
      this.counters.duration = m.gauge('tick_duration_seconds', 'Wall time of the last tick.', {}, { float: true });
    }
  }

  /** For the startup log line: how ticks are timed. */
  describe(): string {
    if (this.everyMs === null) return `cron '${this.cronExpr}' (${this.cronTimeZone ?? 'system time zone'})`;
    return `every ${this.everyMs} ms aligned to multiples of the interval`;
  }

  /** Nominal gap between ticks, ms (for cron: the largest gap among the next few), for staleness checks. */
  expectedIntervalMs(): number {
    if (this.everyMs !== null) return this.everyMs;
    const dates = (this.cronTime as CronTime).sendAt(6).map((d) => d.toMillis());
    let gap = 1000;
    for (let i = 1; i < dates.length; i++) gap = Math.max(gap, dates[i] - dates[i - 1]);
    return gap;
  }

  onTick(handler: TickHandler): void {
    this.handler = handler;
  }

  get stats(): Readonly<SchedulerStats> {
    this.stats_.running = this.running !== null;
    return this.stats_;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.armTimer(this.nextSlot(Date.now()));
  }

  /** Stops timing new ticks and waits for the running one, if any. Leaves no timer behind. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
  }

  /** The first slot strictly after `afterMs`. */
  private nextSlot(afterMs: number): number {
    if (this.everyMs !== null) return Math.floor(afterMs / this.everyMs) * this.everyMs + this.everyMs;
    return (this.cronTime as CronTime).getNextDateFrom(new Date(afterMs), this.cronTimeZone).toMillis();
  }

  private armTimer(slotMs: number): void {
    this.timer = setTimeout(() => this.onTimerFire(slotMs), Math.max(0, slotMs - Date.now()));
  }

  private onTimerFire(slotMs: number): void {
    if (!this.active) return;
    // Node timers may fire a millisecond early: the slot is then still the one armed.
    const now = Math.max(Date.now(), slotMs);
    const next = this.nextSlot(now);
    // Late by more than an interval (a long tick blocked the event loop, clock stepped forward):
    // the tick is the latest slot that has passed; the ones in between are skipped and counted.
    let scheduled = slotMs;
    let lost = 0;
    let latestLost = slotMs;
    if (this.everyMs !== null) {
      scheduled = Math.max(slotMs, Math.floor(now / this.everyMs) * this.everyMs);
      lost = (scheduled - slotMs) / this.everyMs;
      latestLost = scheduled - this.everyMs;
    } else {
      // A bounded walk: after a very long stall the older slots are counted no further.
      for (let at = this.nextSlot(slotMs), steps = 0; at <= now && steps < 100; at = this.nextSlot(at), steps++) {
        latestLost = scheduled;
        scheduled = at;
        lost++;
      }
    }
    this.armTimer(next);
    if (lost > 0) this.skip(lost, latestLost);
    this.fire(scheduled);
  }

  private fire(scheduledMs: number): void {
    if (scheduledMs === this.lastScheduledMs) return; // the same slot twice (clock step): once is enough
    this.lastScheduledMs = scheduledMs;
    if (this.running) {
      this.skip(1, scheduledMs);
      return;
    }
    const handler = this.handler;
    if (!handler) return;
    const tick: Tick = { scheduledMs, seq: ++this.seq };
    this.stats_.ticks++;
    this.counters.ticks?.inc();
    this.runningSince = Date.now();
    this.running = this.runTick(handler, tick).finally(() => {
      this.running = null;
    });
  }

  private async runTick(handler: TickHandler, tick: Tick): Promise<void> {
    // Yield first so `running` is set before the handler runs: a stop() called from inside the
    // handler then waits for this tick (it must not be awaited there: it would wait for itself).
    await null;
    const started = process.hrtime.bigint();
    try {
      await handler(tick);
    } catch (err) {
      this.stats_.tickErrors++;
      this.counters.errors?.inc();
      this.log.error(`tick ${new Date(tick.scheduledMs).toISOString()} failed; the next tick runs as usual`, {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.stats_.lastTickMs = tick.scheduledMs;
    this.stats_.lastDurationMs = ms;
    this.counters.duration?.set(ms / 1000);
  }

  private skip(count: number, latestMs: number): void {
    this.stats_.ticksSkipped += count;
    this.counters.skipped?.inc(count);
    this.skipsSinceLog += count;
    const now = Date.now();
    if (now - this.lastSkipLogMs < this.skipLogEveryMs) return;
    const first = this.lastSkipLogMs === -Infinity;
    const what = this.skipsSinceLog === 1
      ? `tick ${new Date(latestMs).toISOString()} skipped`
      : `${this.skipsSinceLog} ticks skipped since the last report (latest ${new Date(latestMs).toISOString()})`;
    const why = this.running
      ? `the previous tick is still running after ${((now - this.runningSince) / 1000).toFixed(1)} s`
      : `the previous tick held the event loop for ${((this.stats_.lastDurationMs ?? 0) / 1000).toFixed(1)} s`;
    this.log.warn(
      `${what}: ${why}, so ticks take longer than the interval` +
        (first ? `; reported at most every ${Math.round(this.skipLogEveryMs / 1000)} s` : ''),
      { ticks_skipped_total: this.stats_.ticksSkipped },
    );
    this.skipsSinceLog = 0;
    this.lastSkipLogMs = now;
  }
}
