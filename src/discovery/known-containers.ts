// The containers cgflux samples, kept current from dockerd: a full list at start (and every
// docker.relist_interval_ms, and after every reconnect of the events stream) reconciles; the
// events stream keeps it current in between. Only GET requests and the events stream: nothing
// here changes Docker's state. Never throws out of its public methods.
import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import type { Config } from '../config/schema.js';
import { logger, type Logger } from '../log.js';
import type { ContainerInfo } from '../model.js';
import { ReadErrors } from '../errors/read-errors.js';
import { CgroupResolver } from './cgroup-paths.js';
import { ConnectionStatus } from './connection-status.js';
import { ContainerFilter } from './container-filter.js';
import { createDockerClients, type DockerClients } from './docker-client.js';
import type { ContainerEvent } from './docker-event.js';
import { EventStream } from './event-stream.js';
import type { KnownContainersEvents, KnownContainersOptions, KnownContainersStats, LifecycleEvent } from './known-containers-types.js';
import { containerInfoFromEvent, containerInfoFromInspect } from './inspect-mapper.js';

export type { KnownContainersEvents, KnownContainersOptions, KnownContainersStats, LifecycleEvent } from './known-containers-types.js';

const INSPECT_CONCURRENCY = 8;

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

function sameInfo(a: ContainerInfo, b: ContainerInfo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class KnownContainers extends EventEmitter<KnownContainersEvents> {
  private readonly clients: DockerClients;
  private readonly filter: ContainerFilter;
  private readonly resolver: CgroupResolver;
  private readonly stream: EventStream;
  private readonly connection: ConnectionStatus;
  private readonly log: Logger;
  private readonly entries = new Map<string, { info: ContainerInfo; seq: number }>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly counters = { listCalls: 0, inspectCalls: 0, eventsSeen: 0, reconnects: 0, skippedVanished: 0, errors: 0 };
  private seq = 0;
  private cached: ContainerInfo[] | undefined;
  private cachedAll: ContainerInfo[] | undefined;
  private relisting: Promise<boolean> | undefined;
  private relistAgain = false;
  private relistTimer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;

  constructor(
    private readonly config: Pick<Config, 'docker' | 'host'>,
    options: KnownContainersOptions = {},
  ) {
    super();
    this.log = options.log ?? logger('discovery');
    this.clients = createDockerClients(config.docker.socket, config.docker.timeout_ms);
    this.filter = new ContainerFilter(config.docker);
    this.resolver = new CgroupResolver(config.host, options.errors ?? new ReadErrors());
    this.connection = new ConnectionStatus(this.log, this.clients.target.description, options.connectionLogRepeatMs, this.clients.target.options.socketPath);
    this.stream = new EventStream(this.clients.events, options.backoff);
    this.stream.on('event', (e) => this.onEvent(e));
    this.stream.on('connected', (reconnect) => this.onConnected(reconnect));
    this.stream.on('disconnected', (err) => {
      this.counters.errors++;
      this.connection.failed(err);
    });
  }

  /** Lists, then follows events. Resolves after the first list (or the first failure to reach dockerd). */
  async start(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    const first = new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, this.config.docker.timeout_ms);
      timeout.unref();
      const done = (): void => {
        clearTimeout(timeout);
        this.stream.off('disconnected', done);
        this.stream.off('connected', onConnected);
        resolve();
      };
      // onConnected (registered first, in the constructor) has already started the list.
      const onConnected = (): void => void (this.relisting ?? this.refresh()).then(done);
      this.stream.once('connected', onConnected);
      this.stream.once('disconnected', done);
    });
    this.stream.start();
    this.relistTimer = setInterval(() => void this.refresh(), this.config.docker.relist_interval_ms);
    this.relistTimer.unref();
    await first;
  }

  /** Closes the events stream and every connection; it cannot be started again. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    clearInterval(this.relistTimer);
    this.stream.stop();
    this.clients.close();
    await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Containers to sample: running ones with resolved cgroup directories, and those without a
   * process (only admitted when docker.states includes their state), which get their status row.
   * A running container whose cgroup could not be resolved is left out. Cached until the set changes.
   */
  containers(): ContainerInfo[] {
    this.cached ??= this.allContainers().filter((c) => c.cgroup !== undefined || !(c.pid > 0));
    return this.cached;
  }

  /** Every admitted container, including those whose cgroups are not resolved (e.g. not running). */
  allContainers(): ContainerInfo[] {
    this.cachedAll ??= [...this.entries.values()].map((e) => e.info).sort((a, b) => a.name.localeCompare(b.name));
    return this.cachedAll;
  }

  get(id: string): ContainerInfo | undefined {
    return this.entries.get(id)?.info;
  }

  stats(): KnownContainersStats {
    return { ...this.counters, containers: this.entries.size, connected: !this.connection.down };
  }

  /** Why dockerd cannot be reached right now, or undefined when it can. */
  connectionProblem(): string | undefined {
    return this.connection.lastReason;
  }

  /** A full list that reconciles the set with dockerd. Resolves false when dockerd could not be reached. */
  refresh(): Promise<boolean> {
    if (this.relisting) {
      this.relistAgain = true;
      return this.relisting;
    }
    this.relisting = (async () => {
      let ok: boolean;
      do {
        this.relistAgain = false;
        ok = await this.relist();
      } while (this.relistAgain && !this.stopped);
      this.relisting = undefined;
      return ok;
    })();
    return this.relisting;
  }

  private async relist(): Promise<boolean> {
    if (this.stopped) return false;
    const listSeq = this.seq;
    const states = this.filter.wantedStates();
    let list: Docker.ContainerInfo[];
    try {
      this.counters.listCalls++;
      list = await this.clients.api.listContainers(states.length ? { all: true, filters: { status: states } } : { all: true });
    } catch (err) {
      this.counters.errors++;
      if (!this.stopped) this.connection.failed(err);
      return false;
    }
    this.connection.ok();
    const seen = new Set<string>();
    const work: string[] = [];
    for (const c of list) {
      const name = (c.Names?.[0] ?? '').replace(/^\//, '');
      if (!this.filter.admitsIdentity(name, c.Labels ?? {})) continue;
      seen.add(c.Id);
      const known = this.entries.get(c.Id)?.info;
      if (!known || known.state !== c.State || (known.cgroup === undefined && known.pid > 0)) work.push(c.Id);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < work.length && !this.stopped) {
        const id = work[next++];
        await this.serial(id, () => this.refreshContainer(id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, work.length) }, worker));
    // Containers gone from the list leave, unless an event updated them after the list was asked for.
    for (const [id, entry] of this.entries) if (!seen.has(id) && entry.seq <= listSeq) this.remove(id);
    return true;
  }

  private onConnected(reconnect: boolean): void {
    this.connection.ok();
    if (reconnect) this.counters.reconnects++;
    // Every (re)connection lists: the first one fills the set (also when dockerd was down at
    // start), later ones reconcile what was missed (dockerd restarted: its event log is gone).
    void this.refresh();
  }

  private onEvent(e: ContainerEvent): void {
    const known = this.entries.get(e.id)?.info;
    if (!known && !this.filter.admitsIdentity(e.name, e.labels)) return;
    this.counters.eventsSeen++;
    const record: LifecycleEvent = { time: e.time, action: e.action, id: e.id, name: e.name || known?.name || e.id.slice(0, 12) };
    if (e.exitCode !== undefined) record.exitCode = e.exitCode;
    if (e.message !== undefined) record.message = e.message;
    this.notify('event', record);
    if (e.action === 'die') this.notify('died', known ?? containerInfoFromEvent(e));
    if (e.action === 'destroy') {
      void this.serial(e.id, async () => this.remove(e.id));
      return;
    }
    if (e.action === 'create' && !this.filter.admitsState('created')) return;
    void this.serial(e.id, () => this.refreshContainer(e.id));
  }

  /** Runs the work for one container after the work already queued for it, so updates never reorder. */
  private serial(id: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(work).catch((err) => {
      this.counters.errors++;
      this.log.debug('updating a container failed', { id: id.slice(0, 12), error: err });
    });
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
    return next;
  }

  private async refreshContainer(id: string): Promise<void> {
    if (this.stopped) return;
    let inspect: Docker.ContainerInspectInfo;
    try {
      this.counters.inspectCalls++;
      inspect = await this.clients.api.getContainer(id).inspect();
    } catch (err) {
      if (this.stopped) return;
      if (isNotFound(err)) return this.remove(id);
      this.counters.errors++;
      this.log.debug('inspect failed', { id: id.slice(0, 12), error: err });
      return;
    }
    if (this.stopped) return;
    const info = containerInfoFromInspect(inspect);
    if (!this.filter.admits(info.name, info.labels, info.state)) return this.remove(id);
    const previous = this.entries.get(id)?.info;
    if (info.pid > 0) {
      if (previous?.cgroup && previous.pid === info.pid) info.cgroup = previous.cgroup;
      else {
        const resolved = await this.resolver.resolveDetailed(info.pid, info.id);
        if (resolved.ok) info.cgroup = resolved.paths;
        else if (resolved.reason === 'pid_gone') {
          this.counters.skippedVanished++;
          return this.remove(id);
        }
      }
    }
    if (this.stopped) return;
    this.upsert(info, previous);
  }

  private upsert(info: ContainerInfo, previous: ContainerInfo | undefined): void {
    if (previous && sameInfo(previous, info)) {
      this.entries.set(info.id, { info: previous, seq: ++this.seq });
      return;
    }
    this.entries.set(info.id, { info, seq: ++this.seq });
    this.invalidate();
    if (previous) this.notify('changed', info, previous);
    else this.notify('added', info);
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.invalidate();
    this.notify('removed', entry.info);
  }

  /** A listener that throws must not break the set (or the events stream that called it). */
  private notify<K extends keyof KnownContainersEvents>(name: K, ...args: KnownContainersEvents[K]): void {
    try {
      (this.emit as (n: K, ...a: KnownContainersEvents[K]) => boolean)(name, ...args);
    } catch (err) {
      this.counters.errors++;
      this.log.error(`a '${name}' listener failed`, { error: err });
    }
  }

  private invalidate(): void {
    this.cached = undefined;
    this.cachedAll = undefined;
  }
}
