// The tick clock. Every tick carries ONE nominal timestamp (the aligned, scheduled time) shared by
// all containers of that tick, so points of the same tick line up in queries, plus the monotonic
// time for rates. Ticks never overlap: while a tick's async work runs, the next one is skipped and
// counted, because two ticks reading the same counters at once would produce garbage deltas.
//
// How ticks are timed:
//  - `cron`: the expression as given (5 or 6 fields, system time zone), through npm `cron`.
//  - `every_ms` that cron can express with ticks on multiples of the interval since the epoch
//    (whole seconds dividing a minute, whole minutes dividing an hour, whole hours dividing a day,
//    in UTC so a time zone offset cannot shift the grid): npm `cron` with a generated expression.
//  - any other `every_ms` (sub-second like 500 ms, or 7 s, 45 s, 90 s …): cron cannot express
//    "every 7 s" without restarting at each minute (*/7 gives :00 :07 … :56 :00, a 4 s gap), so a
//    setTimeout chain re-armed to the next multiple of the interval since the epoch. Same
//    alignment rule, same nominal timestamps, just a different timer.
import { CronJob, validateCronExpression } from 'cron';
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

/** How `every_ms` maps onto cron, or null when cron cannot keep ticks on multiples of the interval. */
export function cronForInterval(everyMs: number): string | null {
  if (everyMs <= 0 || everyMs % 1000 !== 0) return null;
  const s = everyMs / 1000;
  if (s < 60) return 60 % s === 0 ? `*/${s} * * * * *` : null;
  if (s % 60 !== 0) return null;
  const m = s / 60;
  if (m < 60) return 60 % m === 0 ? `0 */${m} * * * *` : null;
  if (m % 60 !== 0) return null;
  const h = m / 60;
  if (h < 24) return 24 % h === 0 ? `0 0 */${h} * * *` : null;
  return h === 24 ? '0 0 0 * * *' : null;
}

export class Scheduler {
  private readonly log: Logger;
  private readonly everyMs: number | null;
  private readonly cronExpr: string | null;
  private readonly cronTimeZone: string | undefined;
  private readonly skipLogEveryMs: number;
  private handler: TickHandler | null = null;
  private job: CronJob | null = null;
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private running: Promise<void> | null = null;
  private runningSince = 0;
  /** Next slot cron announced, for cron expressions (cron's callback does not say which slot fired). */
  private pendingCronMs = 0;
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
    } else if (every_ms && every_ms > 0) {
      this.everyMs = every_ms;
      this.cronExpr = cronForInterval(every_ms);
      this.cronTimeZone = 'UTC';
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
    const how = this.cronExpr ? `cron '${this.cronExpr}' UTC` : 'timer';
    return `every ${this.everyMs} ms aligned to multiples of the interval (${how})`;
  }

  /** Nominal gap between ticks, ms (for cron: the largest gap among the next few), for staleness checks. */
  expectedIntervalMs(): number {
    if (this.everyMs !== null) return this.everyMs;
    const probe = this.job ?? this.makeCronJob(() => undefined);
    const dates = probe.nextDates(6).map((d) => d.toMillis());
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
    if (this.cronExpr) {
      this.job = this.makeCronJob(() => this.onCronFire());
      this.job.start();
      this.pendingCronMs = this.job.nextDate().toMillis();
    } else {
      this.armTimer(this.nextSlot(Date.now()));
    }
  }

  /** Stops timing new ticks and waits for the running one, if any. Leaves no timer behind. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.job) {
      void this.job.stop();
      this.job = null;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
  }

  private makeCronJob(onTick: () => void): CronJob {
    return CronJob.from({
      cronTime: this.cronExpr as string,
      onTick,
      start: false,
      // Overlap is handled here (cron's waitForCompletion would skip silently, uncounted).
      waitForCompletion: false,
      ...(this.cronTimeZone ? { timeZone: this.cronTimeZone } : {}),
    });
  }

  private nextSlot(nowMs: number): number {
    const every = this.everyMs as number;
    return Math.floor(nowMs / every) * every + every;
  }

  private armTimer(slotMs: number): void {
    this.timer = setTimeout(() => this.onTimerFire(slotMs), Math.max(0, slotMs - Date.now()));
  }

  private onTimerFire(slotMs: number): void {
    if (!this.active) return;
    const now = Date.now();
    const every = this.everyMs as number;
    // Late by more than an interval (event loop blocked, clock stepped forward): the tick is the
    // latest slot that has passed; the ones in between are gone.
    const scheduled = Math.max(slotMs, Math.floor(now / every) * every);
    this.armTimer(Math.max(scheduled + every, this.nextSlot(now)));
    this.fire(scheduled);
  }

  private onCronFire(): void {
    if (!this.active || !this.job) return;
    const now = Date.now();
    let scheduled: number;
    if (this.everyMs !== null) {
      scheduled = Math.floor(now / this.everyMs) * this.everyMs;
    } else {
      // cron fires at or after the slot it announced; cron slots are whole seconds.
      scheduled = this.pendingCronMs <= now + 1000 ? this.pendingCronMs : Math.floor(now / 1000) * 1000;
    }
    // cron has already armed the following slot when it calls us.
    this.pendingCronMs = this.job.nextDate().toMillis();
    this.fire(scheduled);
  }

  private fire(scheduledMs: number): void {
    if (scheduledMs === this.lastScheduledMs) return; // the same slot twice (clock step): once is enough
    this.lastScheduledMs = scheduledMs;
    if (this.running) {
      this.stats_.ticksSkipped++;
      this.counters.skipped?.inc();
      this.logSkip(scheduledMs);
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

  private logSkip(scheduledMs: number): void {
    this.skipsSinceLog++;
    const now = Date.now();
    if (now - this.lastSkipLogMs < this.skipLogEveryMs) return;
    const first = this.lastSkipLogMs === -Infinity;
    const what = this.skipsSinceLog === 1
      ? `tick ${new Date(scheduledMs).toISOString()} skipped`
      : `${this.skipsSinceLog} ticks skipped since the last report (latest ${new Date(scheduledMs).toISOString()})`;
    const busyS = ((now - this.runningSince) / 1000).toFixed(1);
    this.log.warn(
      `${what}: the previous tick is still running after ${busyS} s, so ticks take longer than the interval` +
        (first ? `; reported at most every ${Math.round(this.skipLogEveryMs / 1000)} s` : ''),
      { ticks_skipped_total: this.stats_.ticksSkipped },
    );
    this.skipsSinceLog = 0;
    this.lastSkipLogMs = now;
  }
}
