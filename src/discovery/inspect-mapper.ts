// Docker's inspect answer → ContainerInfo (without cgroup paths, which KnownContainers resolves).
import type { ContainerInfo } from '../model.js';
import type { ContainerEvent } from './docker-event.js';
import { splitImageRef } from './image-ref.js';

/** The part of GET /containers/<id>/json that cgflux reads. */
export interface InspectLike {
  Id: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null } | null;
  Image?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    Pid?: number;
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number } | null;
  } | null;
}

/** Docker's zero time (`0001-01-01T00:00:00Z`) and unparsable values mean "unknown". */
export function parseDockerTime(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function containerInfoFromInspect(inspect: InspectLike): ContainerInfo {
  const info = identity(inspect.Id, (inspect.Name ?? '').replace(/^\//, ''), inspect.Config?.Image ?? inspect.Image ?? '', { ...(inspect.Config?.Labels ?? {}) });
  const state = inspect.State ?? {};
  info.state = state.Status ?? 'unknown';
  info.pid = state.Pid ?? 0;
  info.restartCount = inspect.RestartCount ?? 0;
  info.oomKilled = state.OOMKilled ?? false;
  info.exitCode = state.ExitCode ?? 0;
  const startedAt = parseDockerTime(state.StartedAt);
  const finishedAt = parseDockerTime(state.FinishedAt);
  if (startedAt !== undefined) info.startedAt = startedAt;
  if (finishedAt !== undefined) info.finishedAt = finishedAt;
  if (state.Health?.Status) {
    info.health = state.Health.Status;
    info.failingStreak = state.Health.FailingStreak ?? 0;
  }
  return info;
}

/**
 * What a `die` event tells of a container discovery never inspected while it ran (it lived less
 * than one inspect): the event carries its name, image and every label, enough to tag its rows.
 */
export function containerInfoFromEvent(event: Pick<ContainerEvent, 'id' | 'name' | 'image' | 'labels' | 'exitCode'>): ContainerInfo {
  const info = identity(event.id, event.name, event.image, { ...event.labels });
  info.state = 'exited';
  if (event.exitCode !== undefined) info.exitCode = event.exitCode;
  return info;
}

function identity(id: string, name: string, imageRef: string, labels: Record<string, string>): ContainerInfo {
  const { image, tag } = splitImageRef(imageRef);
  const info: ContainerInfo = { id, name: name || id.slice(0, 12), image, imageTag: tag, labels, state: 'unknown', pid: 0, restartCount: 0, oomKilled: false, exitCode: 0 };
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (project) info.composeProject = project;
  if (service) info.composeService = service;
  return info;
}
