// One configuration's worth of the data path: discovery → sampler → encoder → outputs, and the
// self-metrics about it. The daemon builds one at start and a new one on reload; `--once` uses
// one for a single gather.
import type { Config, OutputConfig } from '../config/schema.js';
import { KnownContainers } from '../discovery/known-containers.js';
import { LineEncoder } from '../encode/index.js';
import type { Logger } from '../log.js';
import type { Sample } from '../model.js';
import { createOutput, type Output } from '../output/index.js';
import { KeptFiles } from '../sampler/kept-files.js';
import { ReadErrors } from '../errors/read-errors.js';
import { Sampler } from '../sampler/sampler.js';
import { CarriedCounters, registerDaemonMetrics, type TickMetrics } from './daemon-metrics.js';
import { EventRecorder } from './event-rows.js';
import { LiveSamples } from './api/live-samples.js';
import type { ProcessesCollector } from '../sampler/collectors/processes.js';
import { MetricsRegistry } from './self-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';

/**
 * A tick hands its lines to the outputs in batches of at most this many, as they are encoded, so
 * that a host of thousands of containers never holds a whole tick's lines (and their timestamped
 * copies) at once.
 */
export const TICK_LINES_PER_HANDOFF = 5000;

/** The daemon's registry, kept across reloads, and the counter values the replaced pipelines reached. */
export interface SharedMetrics {
  metrics: MetricsRegistry;
  carry: CarriedCounters;
}

export class Pipeline {
  readonly errors = new ReadErrors();
  readonly files = new KeptFiles(this.errors);
  readonly registry: KnownContainers;
  readonly sampler: Sampler;
  readonly events: EventRecorder;
  readonly outputs: Output[];
  readonly metrics: MetricsRegistry;
  readonly tickMetrics: TickMetrics;
  private readonly encoder: LineEncoder;
  /** Events have their own timestamps and come and go: their series cache is kept apart. */
  private readonly eventEncoder: LineEncoder;
  lastContainers = 0;
  /** The last tick's rows of every container, for the REST API. */
  readonly live = new LiveSamples();
  private readonly liveIds = new Set<string>();

  constructor(
    readonly config: Config,
    private readonly log: Logger,
    outputs: readonly OutputConfig[] = config.outputs,
    shared?: SharedMetrics,
  ) {
    this.metrics = shared?.metrics ?? new MetricsRegistry();
    if (!shared) registerProcessMetrics(this.metrics);
    this.registry = new KnownContainers(config, { errors: this.errors, log: log.child('discovery') });
    this.sampler = new Sampler(config, this.files, this.errors);
    this.events = new EventRecorder(this.registry, config.collectors.events.enabled);
    const encoderLog = log.child('encode');
    const warn = (message: string, fields: Record<string, unknown>): void => encoderLog.warn(message, fields);
    this.encoder = new LineEncoder({ hostname: config.host.hostname, tags: config.tags, warn });
    this.eventEncoder = new LineEncoder({ hostname: config.host.hostname, tags: config.tags, warn });
    this.registry.on('removed', (c) => this.encoder.forget(c.id));
    this.registry.on('died', (c) => this.sampler.departed(c));
    this.registry.on('event', (e) => e.action === 'oom' && this.sampler.oomReported(e.id));
    this.outputs = outputs.map((o) => createOutput(o, config.spool, { log: log.child('output') }));
    this.tickMetrics = registerDaemonMetrics(this.metrics, {
      registry: this.registry,
      sampler: this.sampler,
      files: this.files,
      errors: this.errors,
      events: this.events,
      outputs: this.outputs,
    }, shared?.carry);
  }

  /** The processes collector (collectors.processes), when enabled: its book feeds the REST API. */
  get processes(): ProcessesCollector | undefined {
    return this.sampler.collector('processes') as ProcessesCollector | undefined;
  }

  /** Reads every container once; the samples are not sent (used to prime rate baselines). */
  gather(): Sample[] {
    const containers = this.registry.containers();
    this.lastContainers = containers.length;
    return this.sampler.gather(containers);
  }

  /**
   * One tick: gather and encode each container as it is read (its rows are not held for the whole
   * tick), with the tick's nominal time, and hand the bodies to every output in batches of at most
   * TICK_LINES_PER_HANDOFF. Returns the points.
   */
  tick(timeMs: number): number {
    const started = process.hrtime.bigint();
    const containers = this.registry.containers();
    this.lastContainers = containers.length;
    let bodies: string[] = [];
    let points = 0;
    const handOff = (): void => {
      for (const out of this.outputs) out.write(bodies, timeMs);
      points += bodies.length;
      bodies = [];
    };
    const encode = (sample: Sample): void => {
      this.encoder.encodeSample(sample, bodies);
      if (bodies.length >= TICK_LINES_PER_HANDOFF) handOff();
    };
    this.encoder.beginTick();
    this.liveIds.clear();
    this.sampler.gatherEach(
      containers,
      (sample) => {
        encode(sample);
        this.live.record(sample, timeMs);
        if (sample.container) this.liveIds.add(sample.container.id);
      },
      // A departed container's last rows go to the data, not to the live view.
      encode,
    );
    this.live.keepOnly(this.liveIds);
    if (this.config.self_metrics.enabled) {
      // Self-metrics describe the previous tick (this tick's gather time is not known yet).
      encode({ container: null, rows: this.metrics.toRows() });
    }
    this.encoder.endTick();
    if (bodies.length > 0) handOff();
    if (this.config.collectors.events.enabled) points += this.shipEvents();
    this.tickMetrics.gatherSeconds.set(Number(process.hrtime.bigint() - started) / 1e9);
    this.tickMetrics.containers.set(this.lastContainers);
    this.tickMetrics.pointsEncoded.inc(points);
    return points;
  }

  private shipEvents(): number {
    let points = 0;
    for (const { timeMs, sample } of this.events.drain()) {
      const bodies = this.eventEncoder.encode([sample]);
      for (const out of this.outputs) out.write(bodies, timeMs);
      points += bodies.length;
    }
    return points;
  }

  /**
   * Delivers what can be delivered before the deadline, then releases everything. Returns points
   * left spooled for the next start (not those held only in memory: closing drops and counts them).
   * `waitForFailing` false: an output whose last attempt failed is not waited for.
   */
  async close(deadlineMs: number, waitForFailing = true): Promise<number> {
    await this.registry.stop();
    this.sampler.close();
    await Promise.all(this.outputs.map((o) => o.flush(waitForFailing || !isFailing(o) ? deadlineMs : Date.now())));
    await Promise.all(this.outputs.map((o) => o.close()));
    let left = 0;
    for (const o of this.outputs) left += o.stats().spoolPoints;
    return left;
  }
}

/** The output's last attempt failed (nothing acknowledged since): its delivery waits for the server. */
function isFailing(output: Output): boolean {
  const { lastError, lastSuccessMs } = output.stats();
  return lastError !== null && (lastSuccessMs === null || lastError.atMs > lastSuccessMs);
}
