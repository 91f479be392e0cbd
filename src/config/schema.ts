// The effective configuration: the shape every module reads, and its defaults.
// Keys are snake_case exactly as in the YAML file, so a key in an error message is the key
// the operator typed. Durations and sizes are already parsed here (ms, bytes).
import type { LogFormat, LogLevel } from '../log.js';
import { collectorDefaults, type CollectorsConfig } from '../sampler/collectors/index.js';
import type { OutputConfig } from '../output/types.js';

/** Built from the collector modules' definitions (sampler/collectors/index.ts). */
export type { CollectorsConfig };

export interface HostConfig {
  /** Where the host's /proc is visible (`/host/proc` inside a container). */
  proc_root: string;
  /** Where the host's /sys/fs/cgroup is visible (`/host/sys/fs/cgroup` inside a container). */
  cgroup_root: string;
  /** Where the host's /sys is visible, for /sys/dev/block device names. */
  sys_root: string;
  /** Value of the `host` tag; defaults to the machine's hostname. */
  hostname: string;
}

export interface MatchRules {
  /** Container name globs (`*`, `?`). */
  names: string[];
  /** `key` or `key=value-glob`. */
  labels: string[];
}

export interface DockerConfig {
  /** unix socket path, or `tcp://127.0.0.1:2375`. */
  socket: string;
  /** Full re-list that reconciles the known containers with dockerd, ms. */
  relist_interval_ms: number;
  /** Timeout of one Docker API call, ms. */
  timeout_ms: number;
  include: MatchRules;
  exclude: MatchRules;
  /** Docker states whose containers are sampled. */
  states: string[];
}

export interface TagsConfig {
  /** Container labels copied into tags (globs); compose project/service are always tags. */
  labels_include: string[];
  labels_exclude: string[];
  /** Extra constant tags on every point. */
  global: Record<string, string>;
}

export interface SpoolConfig {
  /** Directory of this output's spool (one sub-directory per output is created below `dir`). */
  dir: string;
  /** Upper bound of the spool on disk; when full the oldest data is dropped and counted. */
  max_bytes: number;
  /** Size at which a segment file is closed and a new one started. */
  segment_bytes: number;
}

export interface BatchConfig {
  max_lines: number;
  max_bytes: number;
  /** A batch is flushed when it is this old even if not full, ms. */
  flush_interval_ms: number;
}

export interface RetryConfig {
  initial_ms: number;
  max_ms: number;
}

/** Keys every output has; the per-type keys are defined with each output (src/output/types.ts). */
export interface OutputBase {
  /** Unique name; names the spool sub-directory and the `output` label of self-metrics. */
  name: string;
  batch: BatchConfig;
  retry: RetryConfig;
  timeout_ms: number;
  gzip: boolean;
}

export type Precision = 's' | 'ms' | 'us' | 'ns';

export type { FileOutput, InfluxV1Output, InfluxV2Output, OutputConfig, StdoutOutput } from '../output/types.js';

export interface Config {
  /** Where the configuration came from, for messages (`<defaults>` when no file). */
  source: string;
  host: HostConfig;
  docker: DockerConfig;
  /** `10s`-style interval (ticks aligned to it) or a 6-field cron expression. */
  interval: { every_ms: number | null; cron: string | null };
  collectors: CollectorsConfig;
  tags: TagsConfig;
  spool: SpoolConfig;
  outputs: OutputConfig[];
  http: { enabled: boolean; listen: string };
  self_metrics: { enabled: boolean };
  log: { level: LogLevel; format: LogFormat; status_interval_ms: number };
  shutdown: { flush_timeout_ms: number };
}

export const DEFAULT_BATCH: BatchConfig = { max_lines: 5000, max_bytes: 1_000_000, flush_interval_ms: 1000 };
export const DEFAULT_RETRY: RetryConfig = { initial_ms: 1000, max_ms: 60_000 };

export function defaultConfig(hostname: string): Config {
  return {
    source: '<defaults>',
    host: { proc_root: '/proc', cgroup_root: '/sys/fs/cgroup', sys_root: '/sys', hostname },
    docker: {
      socket: '/var/run/docker.sock',
      relist_interval_ms: 60_000,
      timeout_ms: 10_000,
      include: { names: [], labels: [] },
      exclude: { names: [], labels: [] },
      states: ['running'],
    },
    interval: { every_ms: 10_000, cron: null },
    collectors: collectorDefaults(),
    tags: { labels_include: [], labels_exclude: [], global: {} },
    spool: { dir: '/var/lib/cgflux/spool', max_bytes: 512 * 1024 * 1024, segment_bytes: 4 * 1024 * 1024 },
    outputs: [],
    http: { enabled: true, listen: '127.0.0.1:9273' },
    self_metrics: { enabled: true },
    log: { level: 'info', format: 'text', status_interval_ms: 60_000 },
    shutdown: { flush_timeout_ms: 10_000 },
  };
}
