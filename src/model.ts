// The types that cross module boundaries on the data path:
// discovery (ContainerInfo) → sampler (Row) → encode (line protocol) → spool → output.

/** cgroup controllers whose files cgflux reads. `unified` is the cgroup v2 hierarchy. */
export type Controller = 'cpu' | 'cpuacct' | 'cpuset' | 'memory' | 'blkio' | 'pids' | 'unified';

export interface CgroupPaths {
  /** 1 = legacy or hybrid hierarchy (controllers mounted separately); 2 = unified only. */
  version: 1 | 2;
  /** Absolute directory (under the configured cgroup root) of the container's cgroup per controller.
   *  On v2 only `unified` is set. A controller that is not mounted is absent. */
  dirs: Partial<Record<Controller, string>>;
  /** How the path was laid out, for humans (`cgroupfs`, `systemd`, `nested`). */
  driver: 'cgroupfs' | 'systemd' | 'nested' | 'unknown';
}

export interface ContainerInfo {
  /** Full 64-hex container id. */
  id: string;
  /** First name, without the leading "/". */
  name: string;
  /** Image reference without the tag (e.g. `redis`, `ghcr.io/org/app`). */
  image: string;
  /** Image tag, or `unknown` when the reference has none or is a digest. */
  imageTag: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  /** Docker state: created, running, paused, restarting, exited, dead … */
  state: string;
  /** Host pid of the container's init process (0 when not running). */
  pid: number;
  restartCount: number;
  /** Milliseconds since the epoch; undefined when unknown. */
  startedAt?: number;
  finishedAt?: number;
  /** `healthy`, `unhealthy`, `starting`, or undefined when the container has no healthcheck. */
  health?: string;
  failingStreak?: number;
  oomKilled: boolean;
  exitCode: number;
  /** Resolved from /proc/<pid>/cgroup under the host roots; undefined when the pid vanished. */
  cgroup?: CgroupPaths;
}

/**
 * A field value. The JavaScript type decides the line-protocol type, so a field never
 * changes type between points (which InfluxDB rejects):
 *   bigint  → integer (`123i`), clamped to the int64 range by the encoder;
 *   number  → float;
 *   string  → string;
 *   boolean → boolean.
 */
export type FieldValue = bigint | number | string | boolean;

/** One point of one measurement for one container (or for the host), before encoding. */
export interface Row {
  measurement: string;
  /** Row-specific tags only (`cpu`, `device`, `network` …); container tags are added by the encoder. */
  tags?: Readonly<Record<string, string>>;
  fields: Record<string, FieldValue>;
}

/** Everything one tick gathered. `rows` of a container are complete or absent, never partial. */
export interface Sample {
  /** null for host-level rows (host CPU, memory) and for cgflux's own metrics. */
  container: ContainerInfo | null;
  rows: Row[];
}
