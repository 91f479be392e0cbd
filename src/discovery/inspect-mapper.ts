// Docker's inspect answer → ContainerInfo (without cgroup paths, which KnownContainers resolves).
import type { ContainerInfo } from '../model.js';
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
  const labels = { ...(inspect.Config?.Labels ?? {}) };
  const { image, tag } = splitImageRef(inspect.Config?.Image ?? inspect.Image ?? '');
  const state = inspect.State ?? {};
  const info: ContainerInfo = {
    id: inspect.Id,
    name: (inspect.Name ?? '').replace(/^\//, '') || inspect.Id.slice(0, 12),
    image,
    imageTag: tag,
    labels,
    state: state.Status ?? 'unknown',
    pid: state.Pid ?? 0,
    restartCount: inspect.RestartCount ?? 0,
    oomKilled: state.OOMKilled ?? false,
    exitCode: state.ExitCode ?? 0,
  };
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (project) info.composeProject = project;
  if (service) info.composeService = service;
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
