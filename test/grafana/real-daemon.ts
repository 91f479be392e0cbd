// `cgflux run --config <tmp yaml>` as an operator runs it: every second it samples only this test's
// containers (by label) and writes through the influxdb_v1 output into a fresh database it creates.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { INFLUX_V1_URL } from '../support/services.js';
import { REPO_ROOT } from './queries.js';

export const OUTPUT_NAME = 'influx1';

export interface DaemonOptions {
  /** Directory for the config file and the spool (removed by the caller). */
  dir: string;
  database: string;
  hostname: string;
  /** `key=value` label that selects this test's containers. */
  includeLabel: string;
}

export function daemonConfig(o: DaemonOptions): Record<string, unknown> {
  return {
    interval: '1s',
    host: { hostname: o.hostname },
    // Exited containers too: the late one keeps its status row (state, exit code) once it exits.
    docker: { include: { labels: [o.includeLabel] }, states: ['running', 'exited'] },
    collectors: { network: { include_loopback: true }, processes: { enabled: true } },
    spool: { dir: join(o.dir, 'spool') },
    outputs: [{ type: 'influxdb_v1', name: OUTPUT_NAME, url: INFLUX_V1_URL, database: o.database, create_database: true }],
    http: { enabled: false },
    log: { status_interval: '0s' },
  };
}

export interface RunningDaemon {
  /** SIGTERM, wait for the exit (it flushes the spool first); resolves to its exit code. */
  stop(): Promise<number | null>;
  stderr(): string;
}

export function startDaemon(o: DaemonOptions): RunningDaemon {
  const configPath = join(o.dir, 'cgflux.yaml');
  writeFileSync(configPath, stringify(daemonConfig(o)));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'run', '--config', configPath], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
      const code = await Promise.race([exited, timeout]);
      if (code !== 'timeout') return code;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`cgflux did not exit within 15 s of SIGTERM:\n${stderr.slice(-2000)}`);
    },
  };
}
