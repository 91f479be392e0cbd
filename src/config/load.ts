// loadConfig: built-in defaults < YAML file < CGFLUX_ environment < command-line flags.
// Every problem found in any layer is reported at once, each with where to fix it.
import { existsSync, readFileSync } from 'node:fs';
import { isMap } from 'yaml';
import { hostname as machineHostname } from 'node:os';
import { defaultConfig, type Config } from './schema.js';
import { ConfigError, IssueList, type ConfigIssue, type Origin } from './errors.js';
import { ROOT_SPEC } from './spec.js';
import { parseYaml, readSection, type ReadContext, type Target } from './yaml-read.js';
import { checkRequiredOutputKeys, nameOutputs, readOutputs } from './outputs.js';
import { CONFIG_FILE_ENV, applyEnv } from './env.js';
import { applyFlags, flagValue, type FlagValues } from './flags.js';
import { formatDuration, formatSize } from './units.js';

export { ConfigError } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { CONFIG_FLAGS, configFlagParseOptions } from './flags.js';
export type { ConfigFlag, FlagValues } from './flags.js';

export const DEFAULT_CONFIG_PATH = '/etc/cgflux/cgflux.yaml';

export interface LoadOptions {
  /** Config file; when absent: --config, then CGFLUX_CONFIG, then DEFAULT_CONFIG_PATH if it exists. */
  file?: string;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  flags?: FlagValues;
  /** Defaults to os.hostname(). */
  hostname?: string;
  /** The optional file read when none is named; DEFAULT_CONFIG_PATH unless a test says otherwise. */
  defaultFile?: string;
}

/** Which file to read: an explicitly named one must exist, the default one is optional. */
export function chooseConfigFile(opts: LoadOptions): { path: string; explicit: boolean; how: string } | null {
  const env = opts.env ?? process.env;
  const flag = flagValue(opts.flags ?? {}, '--config');
  if (opts.file !== undefined) return { path: opts.file, explicit: true, how: 'named' };
  if (typeof flag === 'string') return { path: flag, explicit: true, how: 'named by --config' };
  const fromEnv = env[CONFIG_FILE_ENV];
  if (fromEnv) return { path: fromEnv, explicit: true, how: `named by ${CONFIG_FILE_ENV}` };
  const fallback = opts.defaultFile ?? DEFAULT_CONFIG_PATH;
  return existsSync(fallback) ? { path: fallback, explicit: false, how: 'default' } : null;
}

function readConfigText(path: string, how: string, issues: IssueList): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, expected a YAML file' : (err as Error).message;
    issues.add({ source: path }, '', `cannot read the config file (${how}): ${why}`);
    return null;
  }
}

function applyFile(path: string, text: string, config: Config, issues: IssueList, origins: Map<string, Origin>): void {
  const parsed = parseYaml(text, path, issues);
  if (!parsed) return;
  const ctx: ReadContext = {
    source: path, text, doc: parsed.doc, lines: parsed.lines, issues, origins,
    readOutputs: (node, keyNode, c) => {
      config.outputs = readOutputs(c, node, keyNode);
    },
  };
  const root = parsed.doc.contents;
  if (root === null || (root as { value?: unknown }).value === null) return; // empty file: all defaults
  if (!isMap(root)) {
    issues.add({ source: path, ...parsed.lines.linePos(root.range?.[0] ?? 0) }, '',
      `expected a map of settings at the top level (${Object.keys(ROOT_SPEC).join(', ')})`);
    return;
  }
  readSection(ctx, ROOT_SPEC, root, config as unknown as Target, '');
}

function checkRelations(config: Config, origins: Map<string, Origin>, issues: IssueList, fallback: Origin): void {
  if (config.spool.max_bytes < config.spool.segment_bytes) {
    issues.add(origins.get('spool.max_size') ?? origins.get('spool.segment_size') ?? fallback, 'spool.max_size',
      `expected at least segment_size (${formatSize(config.spool.segment_bytes)}), got ${formatSize(config.spool.max_bytes)}`);
  }
  config.outputs.forEach((o, i) => {
    if (o.retry.max_ms < o.retry.initial_ms) {
      issues.add(origins.get(`outputs[${i}].retry.max`) ?? origins.get(`outputs[${i}].retry.initial`) ?? fallback, `outputs[${i}].retry.max`,
        `expected at least retry.initial (${formatDuration(o.retry.initial_ms)}), got ${formatDuration(o.retry.max_ms)}`);
    }
  });
}

/** File issues top to bottom, then environment, then flags (each in the order found). */
function inReadingOrder(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (i: ConfigIssue): number => (i.line !== undefined ? 0 : i.source.startsWith('env ') ? 2 : i.source.startsWith('flag ') ? 3 : 1);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.col ?? 0) - (b.issue.col ?? 0) || a.index - b.index)
    .map((x) => x.issue);
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const issues = new IssueList();
  const origins = new Map<string, Origin>();
  const hostname = opts.hostname ?? machineHostname();
  const config = defaultConfig(hostname);
  const file = chooseConfigFile(opts);
  if (file) {
    config.source = file.path;
    const text = file.explicit || existsSync(file.path) ? readConfigText(file.path, file.how, issues) : null;
    if (text !== null) applyFile(file.path, text, config, issues, origins);
  }
  const fallback: Origin = { source: config.source };
  nameOutputs(config.outputs, origins, issues, fallback);
  applyEnv(opts.env ?? process.env, config, issues, origins);
  const outputsBeforeFlags = config.outputs;
  applyFlags(opts.flags ?? {}, config, issues, origins);
  if (config.outputs !== outputsBeforeFlags) nameOutputs(config.outputs, origins, issues, fallback);
  if (config.host.hostname === '') config.host.hostname = hostname;
  checkRelations(config, origins, issues, fallback);
  checkRequiredOutputKeys(config.outputs, origins, issues, fallback);
  if (!issues.empty) throw new ConfigError(inReadingOrder(issues.items));
  return config;
}
