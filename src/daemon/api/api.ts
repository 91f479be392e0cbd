// GET /api/v1/containers and GET /api/v1/containers/<id|short id|name>/processes: the live view
// of what the last ticks read, from memory only (LiveSamples, ProcessBook — both bounded). It
// answers from what the sampler already gathered: a request never reads /proc or asks dockerd.
// No configuration and no environment are exposed (labels are Docker's, shown like
// `docker inspect` shows them to anyone who may reach the listener).
import type { ContainerInfo } from '../../model.js';
import { findContainer } from '../../discovery/container-ref.js';
import type { ProcessBook } from '../../sampler/processes/book.js';
import { jsonValue, type LiveSample, type LiveSamples } from './live-samples.js';
import { BadParameter, parseProcessesQuery } from './params.js';
import { processJson } from './process-json.js';

export interface ApiSource {
  /** The containers discovery lists now. */
  containers(): readonly ContainerInfo[];
  live: LiveSamples;
  /** Undefined when collectors.processes is off. */
  book?: ProcessBook;
  /** N of collectors.processes.top: the most `limit` can ask. */
  top: number;
  /** Nominal interval between ticks, s. */
  intervalS: number;
}

export interface ApiAnswer {
  code: number;
  body: unknown;
}

const error = (code: number, message: string): ApiAnswer => ({ code, body: { error: message } });

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function field(live: LiveSample | undefined, measurement: string, name: string): number | null {
  const row = live?.rows.find((r) => r.measurement === measurement && !r.tags);
  const v = row?.fields[name];
  return v === undefined ? null : (jsonValue(v) as number);
}

/** The `network=total` row's field (the sum over the interfaces). */
function netTotal(live: LiveSample | undefined, name: string): number | null {
  const row = live?.rows.find((r) => r.measurement === 'docker_container_net' && r.tags?.network === 'total');
  const v = row?.fields[name];
  return v === undefined ? null : (jsonValue(v) as number);
}

function containerJson(c: ContainerInfo, live: LiveSample | undefined): Record<string, unknown> {
  const measurements: Record<string, Array<{ tags?: Record<string, string>; fields: Record<string, unknown> }>> = {};
  for (const r of live?.rows ?? []) {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.fields)) fields[k] = jsonValue(v);
    (measurements[r.measurement] ??= []).push(r.tags ? { tags: { ...r.tags }, fields } : { fields });
  }
  return {
    id: c.id, short_id: c.id.slice(0, 12), name: c.name, image: `${c.image}:${c.imageTag}`, state: c.state, health: c.health ?? null,
    compose_project: c.composeProject ?? null, compose_service: c.composeService ?? null,
    sampled_at: live ? iso(live.atMs) : null,
    cpu_percent: field(live, 'docker_container_cpu', 'usage_percent'),
    cpu_limit_percent: field(live, 'docker_container_cpu', 'usage_percent_of_limit'),
    memory_usage_bytes: field(live, 'docker_container_mem', 'usage'),
    memory_limit_bytes: field(live, 'docker_container_mem', 'limit'),
    memory_percent: field(live, 'docker_container_mem', 'usage_percent'),
    pids: field(live, 'docker_container_pids', 'current'),
    net_rx_bytes: netTotal(live, 'rx_bytes'),
    net_tx_bytes: netTotal(live, 'tx_bytes'),
    measurements,
  };
}

export function answerApi(path: string, search: URLSearchParams, src: ApiSource): ApiAnswer | undefined {
  if (path === '/api/v1/containers' || path === '/api/v1/containers/') {
    if ([...search.keys()].length > 0) return error(400, 'GET /api/v1/containers takes no parameters');
    const containers = src.containers().map((c) => containerJson(c, src.live.get(c.id)));
    return { code: 200, body: { interval_s: src.intervalS, containers } };
  }
  const m = /^\/api\/v1\/containers\/([^/]+)\/processes\/?$/.exec(path);
  if (!m) return path.startsWith('/api/') ? error(404, `no such endpoint ${path}: try /api/v1/containers or /api/v1/containers/<name>/processes`) : undefined;
  let ref: string;
  try {
    ref = decodeURIComponent(m[1]);
  } catch {
    return error(400, `the container in ${path} is not valid percent-encoding`);
  }
  const found = findContainer(src.containers(), ref);
  if (!found.ok) return error(404, found.message);
  if (!src.book) return error(404, 'processes are not collected: set collectors.processes.enabled: true (or CGFLUX_COLLECTORS_PROCESSES_ENABLED=true)');
  let q;
  try {
    q = parseProcessesQuery(search, { maxLimit: src.top, history: src.book.history, tickS: src.intervalS });
  } catch (err) {
    if (err instanceof BadParameter) return error(400, err.message);
    throw err;
  }
  const c = found.container;
  const latest = src.book.latest(c.id);
  const windows = src.book.windows(c.id, { intervalNs: q.intervalS * 1e9, count: q.count, sort: q.sort, limit: q.limit });
  return {
    code: 200,
    body: {
      container: { id: c.id, name: c.name },
      sort: q.sort, limit: q.limit, count: q.count, interval_s: q.intervalS,
      cpu_limit: latest?.cpuLimit ?? null,
      memory_limit_bytes: latest?.memoryLimitBytes ?? null,
      total_processes: latest?.total ?? null,
      samples: windows.map((w) => ({ time: iso(w.atMs), interval_s: w.intervalNs / 1e9, processes: w.processes.map(processJson) })),
    },
  };
}
