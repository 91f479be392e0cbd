// Docker lifecycle events → `docker_container_event` points, each with the event's own time, so
// a container that starts and dies between two ticks is still on record. Tags come from the
// container as discovery last knew it (kept for a while after it left: `die` and `destroy`
// arrive after the container is gone from the registry).
import type { ContainerInfo, Sample } from '../model.js';
import type { KnownContainers, LifecycleEvent } from '../discovery/known-containers.js';

/** A container that left is kept this long, and at most MAX_GONE of them, for its last events. */
const KEEP_GONE_MS = 60_000;
const MAX_GONE = 2_000;
/** Events waiting for the next tick; beyond this the oldest are dropped and counted. */
const MAX_PENDING = 10_000;

export interface TimedSample {
  timeMs: number;
  sample: Sample;
}

export class EventRecorder {
  private readonly known = new Map<string, ContainerInfo>();
  /** Containers that left, id → when, oldest first (a Map keeps insertion order). */
  private readonly goneAt = new Map<string, number>();
  private queue: TimedSample[] = [];
  dropped = 0;
  recorded = 0;

  /** `enabled` false (collectors.events off): nothing drains the recorder, so it records nothing. */
  constructor(registry: Pick<KnownContainers, 'on' | 'allContainers'>, enabled = true) {
    if (!enabled) return;
    for (const c of registry.allContainers()) this.known.set(c.id, c);
    registry.on('added', (c) => this.present(c));
    registry.on('changed', (c) => this.present(c));
    registry.on('removed', (c) => this.left(c));
    registry.on('event', (e) => this.record(e));
  }

  /** The events since the last call, oldest first. */
  drain(): TimedSample[] {
    const out = this.queue;
    this.queue = [];
    // Only the departed are looked at, oldest first, up to the first one still kept.
    const now = Date.now();
    for (const [id, at] of this.goneAt) {
      if (now - at <= KEEP_GONE_MS) break;
      this.forgetGone(id);
    }
    return out;
  }

  private present(c: ContainerInfo): void {
    this.goneAt.delete(c.id);
    this.known.set(c.id, c);
  }

  /** A container left: its info stays for the events that arrive after it (die, destroy), bounded. */
  private left(c: ContainerInfo): void {
    this.known.set(c.id, c);
    this.goneAt.delete(c.id);
    this.goneAt.set(c.id, Date.now());
    for (const id of this.goneAt.keys()) {
      if (this.goneAt.size <= MAX_GONE) break;
      this.forgetGone(id);
    }
  }

  private forgetGone(id: string): void {
    this.goneAt.delete(id);
    this.known.delete(id);
  }

  private record(event: LifecycleEvent): void {
    const container = this.known.get(event.id) ?? minimalContainer(event);
    const fields: Sample['rows'][number]['fields'] = {};
    if (event.exitCode !== undefined) fields.exit_code = BigInt(event.exitCode);
    // Every event carries a human message (Grafana shows it as annotation text), so no row is empty.
    fields.message = event.message ?? describe(event);
    this.queue.push({
      timeMs: event.time,
      sample: { container: event.name && event.name !== container.name ? { ...container, name: event.name } : container, rows: [{ measurement: 'docker_container_event', tags: { action: event.action }, fields }] },
    });
    this.recorded++;
    if (this.queue.length > MAX_PENDING) {
      this.queue.shift();
      this.dropped++;
    }
  }
}

const DESCRIPTIONS: Record<string, string> = {
  create: 'created',
  start: 'started',
  restart: 'restarted',
  stop: 'stopped',
  kill: 'killed',
  pause: 'paused',
  unpause: 'unpaused',
  destroy: 'removed',
  update: 'resources updated',
  oom: 'out of memory',
};

function describe(event: LifecycleEvent): string {
  if (event.action === 'die') return event.exitCode === undefined ? 'exited' : `exited with code ${event.exitCode}`;
  return DESCRIPTIONS[event.action] ?? event.action;
}

function minimalContainer(event: LifecycleEvent): ContainerInfo {
  return {
    id: event.id,
    name: event.name,
    image: 'unknown',
    imageTag: 'unknown',
    labels: {},
    state: 'unknown',
    pid: 0,
    restartCount: 0,
    oomKilled: false,
    exitCode: event.exitCode ?? 0,
  };
}
