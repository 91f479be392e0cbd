// Where `cgflux top` gets its numbers: discovery's registry (list + events, so containers that
// start or stop while it runs come and go) and the daemon's sampler with the collectors a live
// view shows. In-process, straight from the kernel files: no stats API, no InfluxDB.
import type { Config } from '../config/schema.js';
import { KnownContainers } from '../discovery/known-containers.js';
import type { Logger } from '../log.js';
import type { ContainerInfo } from '../model.js';
import { KeptFiles } from '../sampler/kept-files.js';
import { ReadErrors } from '../errors/read-errors.js';
import { Sampler } from '../sampler/sampler.js';
import { RateTracker, type TopRow } from './rates.js';
import { readingFromRows, type Reading } from './reading.js';

/** The collectors `top` shows on, the others off whatever the configuration says. */
export function topCollectors(collectors: Config['collectors']): Config['collectors'] {
  const on = new Set(['cpu', 'memory', 'blkio', 'network', 'context_switches', 'pids', 'host']);
  const out = {} as Record<string, { enabled: boolean }>;
  for (const [name, value] of Object.entries(collectors)) out[name] = { ...value, enabled: on.has(name) };
  // Per-CPU rows are not shown: do not read them.
  if (out.cpu) (out.cpu as { per_cpu?: boolean }).per_cpu = false;
  // Context switches as the daemon counts them (collectors.context_switches.method, `auto` by
  // default): with the kernel counter a row costs a map lookup instead of a /proc read per thread.
  // Threads and processes are not shown: their task lists are not read.
  if (out.context_switches) (out.context_switches as { task_counts?: boolean }).task_counts = false;
  return out as unknown as Config['collectors'];
}

export class TopSource {
  readonly errors = new ReadErrors();
  readonly registry: KnownContainers;
  private readonly files = new KeptFiles(this.errors);
  private readonly sampler: Sampler;
  private readonly rates = new RateTracker();

  constructor(config: Config, log: Logger) {
    this.registry = new KnownContainers(config, { errors: this.errors, log });
    this.sampler = new Sampler({ collectors: topCollectors(config.collectors), host: config.host }, this.files, this.errors);
  }

  /** Lists the containers and follows events; false when dockerd cannot be reached. */
  async start(): Promise<boolean> {
    await this.registry.start();
    return this.registry.stats().connected && this.registry.connectionProblem() === undefined;
  }

  /** One reading of every running container, with rates since the previous one. */
  read(): TopRow[] {
    const readings: Reading[] = [];
    this.sampler.gatherEach(this.running(), (sample) => {
      if (sample.container) readings.push(readingFromRows(sample.container, sample.rows));
    });
    return this.rates.update(readings, performance.now());
  }

  /** What discovery knows of the container now, if it is still listed. */
  container(id: string): ContainerInfo | undefined {
    return this.registry.get(id);
  }

  /** docker.states may admit stopped containers (for their status rows): top lists running ones. */
  private running(): ContainerInfo[] {
    const all = this.registry.containers();
    if (all !== this.lastAll) {
      this.lastAll = all;
      this.lastRunning = all.filter((c) => c.cgroup !== undefined && c.pid > 0);
    }
    return this.lastRunning;
  }

  private lastAll?: ContainerInfo[];
  private lastRunning: ContainerInfo[] = [];

  async close(): Promise<void> {
    await this.registry.stop();
    this.sampler.close();
  }
}
