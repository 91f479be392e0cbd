// What KnownContainers tells its listeners and reports, and how it is configured.
import type { Logger } from '../log.js';
import type { ContainerInfo } from '../model.js';
import type { ReadErrors } from '../errors/read-errors.js';
import type { BackoffOptions } from './event-stream.js';

/** A lifecycle event as the daemon records it (`docker_container_event`). */
export interface LifecycleEvent {
  /** Milliseconds since the epoch. */
  time: number;
  action: string;
  id: string;
  name: string;
  exitCode?: number;
  message?: string;
}

export interface KnownContainersStats {
  listCalls: number;
  inspectCalls: number;
  eventsSeen: number;
  reconnects: number;
  /** Containers skipped because their pid vanished between the event/list and reading its cgroup. */
  skippedVanished: number;
  errors: number;
  /** Containers known (with or without resolved cgroups). */
  containers: number;
  connected: boolean;
}

export interface KnownContainersEvents {
  added: [ContainerInfo];
  removed: [ContainerInfo];
  changed: [current: ContainerInfo, previous: ContainerInfo];
  /**
   * A run of a container ended (Docker's `die`), emitted as the event arrives, before the inspect
   * that updates the set: also for a container that lived too briefly to be listed or inspected
   * while it ran, whose tags then come from the event. The info is as last known (state, pid of
   * the run when discovery had seen it running).
   */
  died: [ContainerInfo];
  event: [LifecycleEvent];
}

export interface KnownContainersOptions {
  log?: Logger;
  errors?: ReadErrors;
  backoff?: BackoffOptions;
  /** How often the "cannot reach dockerd" line is repeated while it lasts. */
  connectionLogRepeatMs?: number;
}
