// The YAML file's shape, declared once and used by the file reader, the environment and flag
// mapping, the renderer and `config check`. YAML keys are the operator's words (`relist_interval:
// 60s`); `key` names the field of `Config` when it differs (`relist_interval_ms`). The
// `collectors:` section comes from the collector modules' definitions.
import { collectorsSpec } from '../sampler/collectors/index.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LOG_FORMATS = ['text', 'json'] as const;
export { OUTPUT_TYPES, type OutputType } from '../output/types.js';
import { OUTPUT_DEFINITIONS, OUTPUT_TYPES, type OutputType } from '../output/types.js';
export const DOCKER_STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'] as const;

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 3_600_000;

export type ScalarLeaf =
  | { kind: 'string'; nonEmpty?: boolean; secret?: boolean; pattern?: RegExp; patternHint?: string }
  /** An absolute filesystem path. */
  | { kind: 'path' }
  /** Any path (relative is resolved against the working directory). */
  | { kind: 'file_path' }
  /** The `host` tag; empty means "the machine's hostname". */
  | { kind: 'hostname' }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'duration'; min: number; max: number; zero?: string }
  | { kind: 'size'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'url' }
  | { kind: 'listen' }
  | { kind: 'docker_socket' }
  /** `10s` (→ every_ms) or a cron expression (→ cron). */
  | { kind: 'interval' };

export type Leaf =
  | ScalarLeaf
  | { kind: 'list'; of: ScalarLeaf }
  /** String → string map (global tags). */
  | { kind: 'map' };

export interface LeafField {
  leaf: Leaf;
  /** Field name in `Config` when it differs from the YAML key. */
  key?: string;
  /** Must be present (checked after file, environment and flags are merged). */
  required?: string;
}

export interface SectionField {
  section: Section;
  key?: string;
}

export interface OutputsField {
  outputs: true;
}

export type Field = LeafField | SectionField | OutputsField;
export type Section = Record<string, Field>;

export const isLeaf = (f: Field): f is LeafField => 'leaf' in f;
export const isSection = (f: Field): f is SectionField => 'section' in f;

const bool = (): LeafField => ({ leaf: { kind: 'bool' } });
const str = (extra: Partial<Extract<ScalarLeaf, { kind: 'string' }>> = {}): LeafField => ({ leaf: { kind: 'string', ...extra } });
const path = (): LeafField => ({ leaf: { kind: 'path' } });
const strings = (): LeafField => ({ leaf: { kind: 'list', of: { kind: 'string', nonEmpty: true } } });
const duration = (key: string, min: number, max: number, zero?: string): LeafField => ({
  key,
  leaf: zero === undefined ? { kind: 'duration', min, max } : { kind: 'duration', min, max, zero },
});
const size = (key: string, min: number, max: number): LeafField => ({ key, leaf: { kind: 'size', min, max } });

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

const matchRules: Section = { names: strings(), labels: strings() };

export const ROOT_SPEC: Section = {
  host: {
    section: { proc_root: path(), cgroup_root: path(), sys_root: path(), hostname: { leaf: { kind: 'hostname' } } },
  },
  docker: {
    section: {
      socket: { leaf: { kind: 'docker_socket' } },
      relist_interval: duration('relist_interval_ms', SECOND, 24 * HOUR),
      timeout: duration('timeout_ms', 100, 10 * MINUTE),
      include: { section: matchRules },
      exclude: { section: matchRules },
      states: { leaf: { kind: 'list', of: { kind: 'enum', values: DOCKER_STATES } } },
    },
  },
  interval: { leaf: { kind: 'interval' } },
  collectors: { section: collectorsSpec() },
  tags: { section: { labels_include: strings(), labels_exclude: strings(), global: { leaf: { kind: 'map' } } } },
  spool: {
    section: {
      dir: path(),
      max_size: size('max_bytes', 64 * KIB, 1024 * GIB),
      segment_size: size('segment_bytes', 64 * KIB, GIB),
    },
  },
  outputs: { outputs: true },
  http: { section: { enabled: bool(), listen: { leaf: { kind: 'listen' } } } },
  self_metrics: { section: { enabled: bool() } },
  log: {
    section: {
      level: { leaf: { kind: 'enum', values: LOG_LEVELS } },
      format: { leaf: { kind: 'enum', values: LOG_FORMATS } },
      status_interval: duration('status_interval_ms', SECOND, 24 * HOUR, 'no periodic status line'),
    },
  },
  shutdown: { section: { flush_timeout: duration('flush_timeout_ms', 0, 10 * MINUTE) } },
};

export const OUTPUT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Keys every output has, whatever its type. */
export const OUTPUT_COMMON_SPEC: Section = {
  type: { leaf: { kind: 'enum', values: OUTPUT_TYPES } },
  name: str({ pattern: OUTPUT_NAME_PATTERN, patternHint: 'a name of letters, digits, "_", "-" and "." (starting with a letter or digit, at most 64 characters)' }),
  batch: {
    section: {
      max_lines: { leaf: { kind: 'int', min: 1, max: 1_000_000 } },
      max_size: size('max_bytes', KIB, 256 * MIB),
      flush_interval: duration('flush_interval_ms', 10, 10 * MINUTE),
    },
  },
  retry: {
    section: {
      initial: duration('initial_ms', 10, 10 * MINUTE),
      max: duration('max_ms', 10, 24 * HOUR),
    },
  },
  timeout: duration('timeout_ms', 100, 10 * MINUTE),
  gzip: bool(),
};

export const OUTPUT_TYPE_SPECS = Object.fromEntries(OUTPUT_TYPES.map((t) => [t, OUTPUT_DEFINITIONS[t].spec])) as Record<OutputType, Section>;

export function outputSpec(type: OutputType): Section {
  return { ...OUTPUT_COMMON_SPEC, ...OUTPUT_TYPE_SPECS[type] };
}

export interface LeafAt {
  /** YAML keys, e.g. ['docker', 'relist_interval']. */
  yamlPath: string[];
  /** Config keys, e.g. ['docker', 'relist_interval_ms']. */
  configPath: string[];
  field: LeafField;
}

/** Every leaf below `section`, depth first in declaration order. */
export function leavesOf(section: Section, yamlPrefix: string[] = [], configPrefix: string[] = []): LeafAt[] {
  const out: LeafAt[] = [];
  for (const [yamlKey, field] of Object.entries(section)) {
    const yamlPath = [...yamlPrefix, yamlKey];
    const configKey = 'outputs' in field ? yamlKey : (field.key ?? yamlKey);
    const configPath = [...configPrefix, configKey];
    if (isLeaf(field)) out.push({ yamlPath, configPath, field });
    else if (isSection(field)) out.push(...leavesOf(field.section, yamlPath, configPath));
  }
  return out;
}

/** The leaf at a dotted YAML path (`host.proc_root`), or undefined. */
export function leafAt(section: Section, dotted: string): LeafAt | undefined {
  return leavesOf(section).find((l) => l.yamlPath.join('.') === dotted);
}
