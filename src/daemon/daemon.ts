// The long-running process: a pipeline driven by the scheduler, the HTTP health/metrics
// endpoint, the status line, and signals (TERM/INT: stop ticking, flush within
// shutdown.flush_timeout, leave the rest in the spool, exit 0; HUP: reload the configuration).
import { ConfigError, loadConfig, type FlagValues } from '../config/load.js';
import { formatIssue } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { configureLogging, logger, type Logger } from '../log.js';
import { CarriedCounters } from './daemon-metrics.js';
import { HttpServer, type HealthSnapshot } from './http-server.js';
import { answerApi } from './api/api.js';
import { Pipeline, type SharedMetrics } from './pipeline.js';
import { procRootProblem } from './proc-root-check.js';
import { Scheduler } from './scheduler.js';
import { MetricsRegistry } from './self-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';
import { installSignalHandlers } from './signals.js';
import { startStatusLine, type StatusSnapshot } from './status-line.js';
import { NODE_FLAGS, missingNodeFlags } from '../runtime-flags.js';

export class Daemon {
  private pipeline!: Pipeline;
  private scheduler!: Scheduler;
  private http: HttpServer | undefined;
  private httpListen: string | undefined;
  private status: { stop(): void } | undefined;
  private lastTickMs: number | null = null;
  /** Ticks run since start, across reloads (the pipeline's ticks_total restarts with it). */
  private ticks = 0;
  private ready = false;
  private stopping = false;
  /** The reload in progress, which a stop waits for. */
  private reloading: Promise<void> | undefined;
  /** Points left spooled when a stop arrived during a reload that had closed the pipeline. */
  private leftByReload: number | undefined;
  private readonly log: Logger = logger('daemon');
  /** One registry for the daemon's life: a reload is not a counter reset. */
  private readonly shared: SharedMetrics = { metrics: new MetricsRegistry(), carry: new CarriedCounters() };

  constructor(private config: Config) {
    registerProcessMetrics(this.shared.metrics);
  }

  async start(): Promise<void> {
    const procProblem = procRootProblem(this.config.host.proc_root);
    if (procProblem) this.log.warn(procProblem);
    this.build(this.config);
    await this.startParts();
    this.log.info('cgflux started', {
      interval: this.scheduler.describe(),
      outputs: this.config.outputs.map((o) => `${o.name} (${o.type})`).join(', '),
      containers: this.pipeline.registry.containers().length,
      http: this.http ? this.config.http.listen : 'off',
    });
    const missing = missingNodeFlags();
    if (missing.length > 0) {
      this.log.info(`node runs with ${missing.join(' and ')}: start it as "node ${NODE_FLAGS.join(' ')} …" (as the image does) for less CPU per tick at intervals of a few seconds (docs/performance.md)`);
    }
  }

  /** Stops ticking, flushes within the configured bound, releases everything. */
  async stop(reason: string): Promise<void> {
    this.log.info(`stopping (${reason}): flushing for at most ${this.config.shutdown.flush_timeout_ms / 1000} s`);
    this.stopping = true;
    // A reload in progress finishes first; once it sees `stopping` it starts nothing new.
    await this.reloading;
    const left = this.leftByReload ?? (await this.stopParts(Date.now() + this.config.shutdown.flush_timeout_ms, true));
    const after = `stopped after ${this.ticks} ticks`;
    this.log.info(left === 0 ? `${after}: every point was delivered` : `${after}: ${left} points stay in the spool and are sent at the next start`);
  }

  /** After a failed start: releases whatever was started (docker stream, outputs), so the process can exit. */
  async release(): Promise<void> {
    await this.stopParts(Date.now(), true).catch(() => undefined);
  }

  /** Loads the configuration again; on errors the running one stays. */
  async reload(load: () => Config): Promise<void> {
    const reloading = this.reloadNow(load);
    this.reloading = reloading.catch(() => undefined);
    try {
      await reloading;
    } finally {
      this.reloading = undefined;
    }
  }

  private async reloadNow(load: () => Config): Promise<void> {
    let next: Config;
    try {
      next = load();
    } catch (err) {
      const lines = err instanceof ConfigError ? err.issues.map(formatIssue) : [(err as Error).message];
      this.log.error(`reload refused, the running configuration stays: ${lines.join('; ')}`);
      return;
    }
    this.log.info('reloading the configuration (spooled data is kept)');
    const resume = { lastTickMs: this.lastTickMs, everyMs: this.config.interval.every_ms };
    // The spool keeps what is not delivered, so a reload only waits (briefly) for outputs that are
    // delivering; one that is failing would hold the ticks up for nothing.
    const left = await this.stopParts(Date.now() + Math.min(2000, next.shutdown.flush_timeout_ms), next.http.listen !== this.httpListen || !next.http.enabled, false);
    if (this.stopping) {
      // SIGTERM came while the old pipeline was closing: it stays closed, stop() reports.
      this.leftByReload = left;
      await this.http?.stop();
      this.http = undefined;
      return;
    }
    configureLogging({ level: next.log.level, format: next.log.format });
    this.config = next;
    // Synchronously with build(): no /metrics request sees the old counters twice.
    this.shared.carry.settle();
    this.build(next);
    await this.startParts(next.interval.every_ms !== null && next.interval.every_ms === resume.everyMs ? resume : undefined);
    this.log.info('configuration reloaded', { interval: this.scheduler.describe(), outputs: next.outputs.map((o) => o.name).join(', ') });
  }

  private build(config: Config): void {
    this.pipeline = new Pipeline(config, this.log, config.outputs, this.shared);
    this.scheduler = new Scheduler({ interval: config.interval, log: this.log.child('scheduler'), metrics: this.shared.metrics });
    this.scheduler.onTick((tick) => this.tick(tick.scheduledMs));
  }

  private tick(scheduledMs: number): void {
    this.pipeline.tick(scheduledMs);
    this.ticks++;
    this.lastTickMs = scheduledMs;
    this.ready = true;
  }

  /**
   * `resume`: the previous pipeline's last tick, on a reload that keeps the interval. The slot
   * that passed while the pipelines were swapped is taken at once (late, like any late tick), so
   * a reload costs no point; older slots (a reload that took more than an interval) are gone.
   */
  private async startParts(resume?: { lastTickMs: number | null; everyMs: number | null }): Promise<void> {
    const config = this.config;
    await this.pipeline.registry.start();
    if (config.http.enabled && !this.http) {
      const http = new HttpServer({
        listen: config.http.listen,
        health: () => this.health(),
        metrics: () => this.shared.metrics.renderPrometheus(),
        api: (path, search) => answerApi(path, search, this.apiSource()),
        log: this.log.child('http'),
      });
      try {
        await http.start();
        this.http = http;
        this.httpListen = config.http.listen;
      } catch (err) {
        // At start this is fatal (the caller says why); on a reload, sampling must go on.
        if (!resume) throw err;
        this.log.error(`${(err as Error).message}; /healthz and /metrics are off until a reload fixes it, sampling goes on`);
      }
    }
    const missed = this.missedSlot(resume);
    if (missed === undefined) {
      // A first read gives the rate baselines, so the first shipped tick already has percentages.
      this.pipeline.gather();
    } else {
      // The catch-up tick is the new pipeline's first read: it has no percentages, the next has.
      this.tick(missed.slotMs);
      if (missed.lost > 0) this.log.warn(`the reload took longer than the interval: ${missed.lost} ticks were not taken`);
    }
    this.status = startStatusLine({ intervalMs: config.log.status_interval_ms, snapshot: () => this.statusSnapshot(), write: (line) => this.log.info(line) });
    this.scheduler.start();
  }

  /** The latest slot that passed since the last tick (and how many before it are lost), if any. */
  private missedSlot(resume?: { lastTickMs: number | null; everyMs: number | null }): { slotMs: number; lost: number } | undefined {
    if (!resume || resume.lastTickMs === null || resume.everyMs === null) return undefined;
    const latest = Math.floor(Date.now() / resume.everyMs) * resume.everyMs;
    if (latest <= resume.lastTickMs) return undefined;
    return { slotMs: latest, lost: (latest - resume.lastTickMs) / resume.everyMs - 1 };
  }

  /** Returns the points left in the spools. `waitForFailing`: flush outputs that are failing too. */
  private async stopParts(deadlineMs: number, stopHttp: boolean, waitForFailing = true): Promise<number> {
    this.status?.stop();
    await this.scheduler.stop();
    if (stopHttp && this.http) {
      await this.http.stop();
      this.http = undefined;
      this.httpListen = undefined;
    }
    return this.pipeline.close(deadlineMs, waitForFailing);
  }

  /** What the REST API reads: the current pipeline's (a reload brings a new one). */
  private apiSource(): Parameters<typeof answerApi>[2] {
    const p = this.pipeline;
    return {
      containers: () => p.registry.containers(),
      live: p.live,
      book: p.processes?.book,
      top: p.processes?.top ?? 0,
      intervalS: this.scheduler.expectedIntervalMs() / 1000,
    };
  }

  private health(): HealthSnapshot {
    const outputs: HealthSnapshot['outputs'] = {};
    for (const o of this.pipeline.outputs) {
      const s = o.stats();
      outputs[o.name] = { lastSuccessMs: s.lastSuccessMs, lastError: s.lastError, spoolBytes: s.spoolBytes };
    }
    const problem = this.pipeline.registry.connectionProblem();
    const dockerProblem = problem === undefined ? undefined : `cannot reach dockerd at ${this.config.docker.socket}: ${problem}`;
    return { ready: this.ready, lastTickMs: this.lastTickMs, intervalMs: this.scheduler.expectedIntervalMs(), outputs, dockerProblem };
  }

  private statusSnapshot(): StatusSnapshot {
    const p = this.pipeline;
    return {
      atMs: Date.now(),
      containers: p.lastContainers,
      pointsWritten: p.metrics.sum('points_written_total'),
      ticksSkipped: p.metrics.sum('ticks_skipped_total'),
      readErrors: p.errors.total(),
      outputs: p.outputs.map((o) => {
        const s = o.stats();
        return { name: o.name, spoolBytes: s.spoolBytes, lastSuccessMs: s.lastSuccessMs, lastError: s.lastError };
      }),
    };
  }
}

/** What runDaemon drives; a test may replace the daemon. */
export type DaemonControl = Pick<Daemon, 'start' | 'stop' | 'reload' | 'release'>;

/** `cgflux run`: returns the exit code once the daemon has stopped (1 when stopping failed). */
export async function runDaemon(config: Config, flags: FlagValues, create: (config: Config) => DaemonControl = (c) => new Daemon(c)): Promise<number> {
  const log = logger('daemon');
  if (config.outputs.length === 0) {
    log.error(`no outputs configured in ${config.source}: add one under "outputs:" (config/cgflux.yaml has examples) or pass --output stdout`);
    return 2;
  }
  const daemon = create(config);
  try {
    await daemon.start();
  } catch (err) {
    log.error(`cannot start: ${(err as Error).message}`);
    // Without this the open docker events stream kept the process alive: "cannot start", no exit.
    await daemon.release();
    return 1;
  }
  return new Promise<number>((resolve) => {
    const uninstall = installSignalHandlers({
      log: log.child('signals'),
      onShutdown: async (signal) => {
        try {
          await daemon.stop(signal);
          resolve(0);
        } catch (err) {
          // Resolved all the same: a stop that failed must still end the process.
          log.error(`stopping failed: ${(err as Error).message}; data not yet written stays in the spool`);
          resolve(1);
        } finally {
          uninstall();
        }
      },
      onReload: () => daemon.reload(() => loadConfig({ flags, file: config.source === '<defaults>' ? undefined : config.source })),
    });
  });
}
