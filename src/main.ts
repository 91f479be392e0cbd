// cgflux command line: parses argv, loads the configuration and hands over to a command.
// Exit codes: 0 ok, 1 runtime failure (e.g. dockerd unreachable for a one-shot command),
// 2 bad configuration or bad usage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CONFIG_FLAGS, ConfigError, configFlagParseOptions, loadConfig, type FlagValues } from './config/load.js';
import { formatIssue } from './config/errors.js';
import { runConfigCheck } from './config/check-command.js';
import type { Config } from './config/schema.js';
import { configureLogging } from './log.js';

const COMMANDS = [
  ['run', 'run the daemon: sample on the schedule and ship to the configured outputs (default)'],
  ['top', 'a live view of every running container (CPU, memory, network, block I/O, context switches, faults, pids), like docker stats'],
  ['containers', 'list the containers discovery finds, with their resolved cgroup directories'],
  ['ps CONTAINER', "a container's processes, like ps aux: %CPU of one CPU, %MEM of its memory limit (name, id or id prefix)"],
  ['config check [FILE]', 'validate a configuration and print the effective one (secrets masked)'],
  ['help', 'show this help'],
] as const;

const OWN_FLAGS = [
  { flag: '--once', arg: '', help: 'take one sample of every running container (two reads --gap apart, for percentages), write it, exit' },
  { flag: '--gap', arg: 'DURATION', help: 'with --once, ps and top --no-stream: time between the two reads (default 1s; 0 = one read, no percentages)' },
  { flag: '--sort', arg: 'KEY', help: 'with ps: cpu (default) or mem; with top: the first order, cpu (default), mem, name, net, blk, ctx, faults or pids' },
  { flag: '--limit', arg: 'N', help: 'with ps: show the first N processes only (default: all)' },
  { flag: '--json', arg: '', help: 'with ps: one JSON object instead of the table' },
  { flag: '--no-stream', arg: '', help: 'with top: print one frame (two reads --gap apart) and exit' },
  { flag: '--filter', arg: 'TEXT', help: 'with top: only containers whose name contains each word, or with label=value (globs)' },
  { flag: '--help, -h', arg: '', help: 'show this help' },
  { flag: '--version', arg: '', help: 'print the version' },
] as const;

function version(): string {
  // src/main.ts (tsx) and dist/src/main.js (built) sit at different depths below package.json.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'cgflux') return pkg.version;
    } catch {
      /* try the next location */
    }
  }
  return 'unknown';
}

export function helpText(): string {
  const flagRows = [...CONFIG_FLAGS, ...OWN_FLAGS].map((f): [string, string] => [`${f.flag}${f.arg ? ' ' + f.arg : ''}`, f.help]);
  const width = Math.max(...flagRows.map(([f]) => f.length), ...COMMANDS.map(([c]) => c.length)) + 2;
  const rows = (list: readonly (readonly [string, string])[]): string => list.map(([a, b]) => `  ${a.padEnd(width)}${b}`).join('\n');
  return `cgflux ${version()} — per-container resource metrics from Docker hosts to InfluxDB

Usage:
  cgflux [run] [options]
  cgflux --once [--output stdout] [options]
  cgflux top [--interval 1s] [--sort KEY] [--filter TEXT] [--no-stream] [options]
  cgflux containers [options]
  cgflux ps CONTAINER [--sort cpu|mem] [--limit N] [--json] [options]
  cgflux config check [FILE] [options]

Commands:
${rows(COMMANDS)}

Options (override the configuration file; environment variables CGFLUX_<KEY> override it too):
${rows(flagRows)}

Configuration: /etc/cgflux/cgflux.yaml when present, or --config FILE / CGFLUX_CONFIG.
Every option with its default: config/cgflux.yaml. Metrics schema: docs/metrics.md.
`;
}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const processIo: Io = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

function load(flags: FlagValues, io: Io, file?: string): Config | undefined {
  try {
    return loadConfig({ flags, file });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) io.stderr(formatIssue(issue) + '\n');
    io.stderr('cgflux: not started: fix the configuration (check it with "cgflux config check FILE")\n');
    return undefined;
  }
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...configFlagParseOptions(),
        once: { type: 'boolean' },
        gap: { type: 'string' },
        sort: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        'no-stream': { type: 'boolean' },
        filter: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    io.stderr(`cgflux: ${(err as Error).message}\nRun "cgflux --help" for the commands and options.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const { once, gap, sort, limit, json, help, version: wantVersion, 'no-stream': noStream, filter, ...configFlags } = values;
  const flags = configFlags as FlagValues;
  const [command = 'run', ...rest] = positionals;

  if (help || command === 'help') {
    io.stdout(helpText());
    return 0;
  }
  if (wantVersion) {
    io.stdout(`cgflux ${version()}\n`);
    return 0;
  }

  if ((command !== 'ps' && (limit !== undefined || json !== undefined)) || (command !== 'ps' && command !== 'top' && sort !== undefined)) {
    io.stderr('cgflux: --sort goes with "cgflux ps CONTAINER" and "cgflux top"; --limit and --json with "cgflux ps CONTAINER"\n');
    return 2;
  }
  if (command !== 'top' && (noStream !== undefined || filter !== undefined)) {
    io.stderr('cgflux: --no-stream and --filter go with "cgflux top"\n');
    return 2;
  }

  switch (command) {
    case 'ps': {
      if (rest.length !== 1) {
        io.stderr('cgflux: usage: cgflux ps CONTAINER [--sort cpu|mem] [--limit N] [--json]\n');
        return 2;
      }
      if (sort !== undefined && sort !== 'cpu' && sort !== 'mem') {
        io.stderr(`cgflux: flag --sort: expected cpu or mem, got "${sort}"\n`);
        return 2;
      }
      const limitN = limit === undefined ? 0 : Number(limit);
      if (!/^\d+$/.test(String(limit ?? '0')) || !Number.isSafeInteger(limitN)) {
        io.stderr(`cgflux: flag --limit: expected a whole number, got "${limit}"\n`);
        return 2;
      }
      const { parseDuration } = await import('./config/units.js');
      const gapMs = gap === undefined ? 1000 : parseDuration(String(gap));
      if (gapMs === null || gapMs > 60_000) {
        io.stderr(`cgflux: flag --gap: expected a duration up to 60s like 1s or 500ms, got "${gap}"\n`);
        return 2;
      }
      const config = load(flags, io);
      if (!config) return 2;
      configureLogging({ level: config.log.level === 'debug' ? 'debug' : 'warn', format: config.log.format });
      const { runPsCommand } = await import('./processes/ps-command.js');
      return runPsCommand(config, { container: rest[0], sort: sort === 'mem' ? 'mem' : 'cpu', limit: limitN, json: json === true, gapMs, io });
    }
    case 'config': {
      if (rest[0] !== 'check' || rest.length > 2) {
        io.stderr('cgflux: usage: cgflux config check [FILE]\n');
        return 2;
      }
      return runConfigCheck({ file: rest[1], flags, stdout: io.stdout, stderr: io.stderr });
    }
    case 'containers': {
      const config = load(flags, io);
      if (!config) return 2;
      configureLogging({ level: config.log.level, format: config.log.format });
      const { runContainersCommand } = await import('./discovery/containers-command.js');
      return runContainersCommand(config, io);
    }
    case 'top': {
      if (rest.length > 0) {
        io.stderr(`cgflux: unexpected argument "${rest[0]}"; run "cgflux --help"\n`);
        return 2;
      }
      const { parseTopFlags } = await import('./top/flags.js');
      const parsedTop = parseTopFlags({ interval: flags.interval, gap, sort, filter, noStream });
      if ('error' in parsedTop) {
        io.stderr(`cgflux: ${parsedTop.error}\n`);
        return 2;
      }
      // top's --interval is its refresh period, not the daemon's sampling interval.
      const { interval: _interval, ...rest2 } = flags;
      const config = load(rest2 as FlagValues, io);
      if (!config) return 2;
      // A view, not a daemon: what discovery says at info level (its start-up notes) is not shown.
      const logOptions = { level: config.log.level === 'info' ? ('warn' as const) : config.log.level, format: config.log.format };
      configureLogging(logOptions);
      const { runTop } = await import('./top/command.js');
      return runTop(config, { ...parsedTop, logOptions, stdin: process.stdin, stdout: process.stdout, stderr: io.stderr });
    }
    case 'run': {
      if (rest.length > 0) {
        io.stderr(`cgflux: unexpected argument "${rest[0]}"; run "cgflux --help"\n`);
        return 2;
      }
      const config = load(flags, io);
      if (!config) return 2;
      configureLogging({ level: config.log.level, format: config.log.format });
      if (once) {
        const { parseDuration } = await import('./config/units.js');
        const gapMs = gap === undefined ? 1000 : parseDuration(String(gap));
        if (gapMs === null || gapMs > 60_000) {
          io.stderr(`cgflux: flag --gap: expected a duration up to 60s like 1s or 500ms, got "${gap}"\n`);
          return 2;
        }
        const { runOnce } = await import('./daemon/once.js');
        return runOnce(config, { gapMs, io });
      }
      const { runDaemon } = await import('./daemon/daemon.js');
      return runDaemon(config, flags);
    }
    default:
      io.stderr(`cgflux: unknown command "${command}"; the commands are: run, top, containers, ps, config check, help\n`);
      return 2;
  }
}
