// Starting and removing real test containers through the docker CLI (independent of the code
// under test, which talks to dockerd through dockerode).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_IMAGE, TEST_LABEL } from './services.js';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** This test process's value of TEST_LABEL: cleanup removes only what this process started, so
 *  test files running side by side (or several engineers' runs) never remove each other's containers. */
export const TEST_RUN = String(process.pid);

export interface StartOptions {
  name?: string;
  labels?: Record<string, string>;
  /** Extra `docker run` flags placed before the image (e.g. ['--memory', '64m']). */
  flags?: string[];
  /** The command run by busybox's sh: `sh -c <script>`. Defaults to sleeping for 10 minutes. */
  script?: string;
}

/** Starts a detached busybox container with no network; returns its full id. */
export async function startContainer(opts: StartOptions = {}): Promise<string> {
  const args = ['run', '-d', '--network', 'none', '--label', `${TEST_LABEL}=${TEST_RUN}`];
  if (opts.name) args.push('--name', opts.name);
  for (const [k, v] of Object.entries(opts.labels ?? {})) args.push('--label', `${k}=${v}`);
  args.push(...(opts.flags ?? []), TEST_IMAGE, 'sh', '-c', opts.script ?? 'sleep 600');
  return docker(...args);
}

export async function removeContainer(id: string): Promise<void> {
  await docker('rm', '-f', id).catch(() => undefined);
}

/** Removes every container this test process started (by label), e.g. in an `after` hook. */
export async function removeTestContainers(): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=${TEST_LABEL}=${TEST_RUN}`)).split(/\s+/).filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids).catch(() => undefined);
}

export async function containerPid(id: string): Promise<number> {
  return Number(await docker('inspect', '-f', '{{.State.Pid}}', id));
}

/** A unique container name for a test, so parallel runs and leftovers never collide. */
export function uniqueName(prefix: string): string {
  return `cgflux-test-${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
