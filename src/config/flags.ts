// Command-line flags that override the configuration. The CLI parses argv (node:util parseArgs,
// options from `configFlagParseOptions()`) and hands the values here.
import type { Config } from './schema.js';
import { IssueList, quote, type Origin } from './errors.js';
import { ROOT_SPEC, leafAt } from './spec.js';
import { parseText } from './values.js';
import { setAt } from './assign.js';
import { defaultOutput } from './outputs.js';

export interface ConfigFlag {
  flag: string;
  /** YAML path the flag sets (`config` and `outputs` are handled specially). */
  path: string;
  /** Placeholder shown in help; empty for a switch. */
  arg: string;
  help: string;
  multiple?: boolean;
}

export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { flag: '--config', path: 'config', arg: 'FILE', help: 'configuration file (default /etc/cgflux/cgflux.yaml if present; env CGFLUX_CONFIG)' },
  { flag: '--interval', path: 'interval', arg: 'DURATION|CRON', help: 'sampling interval, 100ms to 1h (e.g. 10s), or a 5/6-field cron expression' },
  { flag: '--output', path: 'outputs', arg: 'stdout|file:PATH', help: 'replace the configured outputs with line protocol on stdout or appended to PATH (repeatable)', multiple: true },
  { flag: '--proc-root', path: 'host.proc_root', arg: 'DIR', help: "where the host's /proc is visible (e.g. /host/proc in a container)" },
  { flag: '--cgroup-root', path: 'host.cgroup_root', arg: 'DIR', help: "where the host's /sys/fs/cgroup is visible" },
  { flag: '--sys-root', path: 'host.sys_root', arg: 'DIR', help: "where the host's /sys is visible (block device names)" },
  { flag: '--hostname', path: 'host.hostname', arg: 'NAME', help: 'value of the host tag (default: this machine\'s hostname)' },
  { flag: '--docker-socket', path: 'docker.socket', arg: 'PATH|tcp://HOST:PORT', help: 'Docker API socket' },
  { flag: '--listen', path: 'http.listen', arg: 'HOST:PORT', help: 'address of the HTTP health/metrics endpoint' },
  { flag: '--no-http', path: 'http.enabled', arg: '', help: 'do not start the HTTP endpoint' },
  { flag: '--log-level', path: 'log.level', arg: 'debug|info|warn|error', help: 'least severe log level written' },
  { flag: '--log-format', path: 'log.format', arg: 'text|json', help: 'log line format (to stderr)' },
  { flag: '--spool-dir', path: 'spool.dir', arg: 'DIR', help: 'directory of the on-disk spool (one sub-directory per output)' },
];

/** What node:util parseArgs returns as `values` (so it can be passed straight through). */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Options for node:util parseArgs covering every config flag. */
export function configFlagParseOptions(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const f of CONFIG_FLAGS) {
    options[f.flag.slice(2)] = f.arg === '' ? { type: 'boolean' } : f.multiple ? { type: 'string', multiple: true } : { type: 'string' };
  }
  return options;
}

/** The value of a flag whether the caller keyed it `interval` or `--interval`. */
export function flagValue(flags: FlagValues, flag: string): FlagValues[string] {
  return flags[flag.slice(2)] ?? flags[flag];
}

export function applyFlags(flags: FlagValues, config: Config, issues: IssueList, origins: Map<string, Origin>, list: readonly ConfigFlag[] = CONFIG_FLAGS): void {
  for (const f of list) {
    const value = flagValue(flags, f.flag);
    if (value === undefined || f.path === 'config') continue;
    const origin: Origin = { source: `flag ${f.flag}` };
    if (f.path === 'outputs') {
      applyOutputFlag((Array.isArray(value) ? value : [value]).map(String), config, issues, origins, origin);
      continue;
    }
    if (f.arg === '') {
      // A switch sets its own setting: `--no-X` turns it off, any other switch on.
      if (value === true) {
        setAt(config, leafAt(ROOT_SPEC, f.path)!.configPath, !f.flag.startsWith('--no-'));
        origins.set(f.path, origin);
      }
      continue;
    }
    const text = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof text !== 'string') {
      issues.add(origin, f.path, `expected a value (${f.arg})`);
      continue;
    }
    const leaf = leafAt(ROOT_SPEC, f.path)!;
    const p = parseText(leaf.field.leaf, text);
    if (!p.ok) issues.add(origin, f.path, p.message);
    else {
      setAt(config, leaf.configPath, p.value);
      origins.set(f.path, origin);
    }
  }
}

function applyOutputFlag(values: string[], config: Config, issues: IssueList, origins: Map<string, Origin>, origin: Origin): void {
  const outputs: Config['outputs'] = [];
  for (const v of values) {
    if (v === 'stdout') outputs.push(defaultOutput('stdout'));
    else if (v.startsWith('file:') && v.length > 'file:'.length) outputs.push({ ...defaultOutput('file'), path: v.slice('file:'.length) } as Config['outputs'][number]);
    else {
      issues.add(origin, 'outputs', `expected stdout or file:PATH, got ${quote(v)}`);
      return;
    }
  }
  config.outputs = outputs;
  for (const key of [...origins.keys()]) if (key.startsWith('outputs[')) origins.delete(key);
  outputs.forEach((o, i) => {
    origins.set(`outputs[${i}]`, origin);
    if (o.type === 'file') origins.set(`outputs[${i}].path`, origin);
  });
}
