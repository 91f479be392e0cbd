// The real daemon as a child process (`node --import tsx src/cli.ts ...`), its config in a temp
// dir, its log captured, its /metrics and /healthz read over HTTP. Every e2e test isolates its data
// with a per-run label (which containers the daemon sees) and a per-run host tag (which series it
// writes), so parallel engineers and leftovers never mix in.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { docker, removeContainer } from '../support/docker.js';
import { TEST_IMAGE } from '../support/services.js';
import { freePort, httpGet } from '../support/servers.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One test's identity: the label its containers carry and the host tag its points carry. */
export class TestRun {
  readonly id = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  readonly label = 'io.cgflux.e2e';
  readonly host: string;
  readonly dir = mkdtempSync(join(tmpdir(), 'cgflux-e2e-'));
  private readonly containers: string[] = [];

  constructor(readonly name: string) {
    this.host = `e2e-${name}-${this.id}`;
  }

  get selector(): string {
    return `${this.label}=${this.id}`;
  }

  /**
   * A busybox container (no network) that only this run's daemon samples. It carries its own
   * label, not the shared test label: other suites remove every container with that one when they
   * finish, which would cut a running e2e test's containers away.
   */
  async container(name: string, opts: { busy?: boolean } = {}): Promise<{ id: string; name: string }> {
    const full = `cgflux-e2e-${name}-${this.id}`;
    // A busy container is capped so the suite stays light on a shared 2-core machine.
    const flags = opts.busy ? ['--cpus', '0.2'] : [];
    const script = opts.busy ? 'while :; do :; done' : 'sleep 600';
    const id = await docker('run', '-d', '--network', 'none', '--name', full, '--label', this.selector, ...flags, TEST_IMAGE, 'sh', '-c', script);
    this.containers.push(id);
    return { id, name: full };
  }

  async removeContainers(): Promise<void> {
    await Promise.all(this.containers.splice(0).map((id) => removeContainer(id)));
  }

  async cleanup(): Promise<void> {
    await this.removeContainers();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A daemon config sampling only this run's containers, ticking every second. */
  async config(outputs: Record<string, unknown>[], over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return {
      interval: '1s',
      host: { hostname: this.host },
      docker: { include: { labels: [this.selector] } },
      spool: { dir: join(this.dir, 'spool') },
      outputs,
      http: { listen: `127.0.0.1:${await freePort()}` },
      log: { status_interval: '0s' },
      shutdown: { flush_timeout: '5s' },
      ...over,
    };
  }
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      const body = line.slice(brace + 1, line.lastIndexOf('}'));
      for (const m of body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2];
    }
    out.push({ name, labels, value: Number(line.slice(space + 1)) });
  }
  return out;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class DaemonProcess {
  private stderr = '';
  private stdout = '';
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly configFile: string,
    readonly port: number,
  ) {
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.exited = new Promise((resolve) =>
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Writes the config (YAML) and starts `cgflux run --config` on it (node with the shipped flags by default); waits for "cgflux started". */
  static async start(config: Record<string, unknown>, configFile: string, nodeFlags: readonly string[] = NODE_FLAGS): Promise<DaemonProcess> {
    writeConfig(configFile, config);
    const listen = String((config.http as { listen: string }).listen);
    const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/cli.ts', 'run', '--config', configFile], { cwd: REPO });
    const d = new DaemonProcess(proc, configFile, Number(listen.slice(listen.lastIndexOf(':') + 1)));
    await d.waitForLog(/cgflux started/, 30_000);
    return d;
  }

  get log(): string {
    return this.stderr;
  }

  get output(): string {
    return this.stdout;
  }

  logLines(pattern: RegExp): string[] {
    return this.stderr.split('\n').filter((l) => pattern.test(l));
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.stderr.split('\n').find((l) => pattern.test(l));
      if (hit) return hit;
      if (this.exit) throw new Error(`daemon exited (${JSON.stringify(this.exit)}) before logging ${pattern}; log:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`daemon did not log ${pattern} within ${timeoutMs} ms; log:\n${this.stderr}`);
      await sleep(50);
    }
  }

  async metrics(): Promise<PromSample[]> {
    const res = await httpGet(`http://127.0.0.1:${this.port}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.text}`);
    return parsePrometheus(res.text);
  }

  /** One value from /metrics (`cgflux_` prefix implied); throws when it is not there. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const all = await this.metrics();
    const hit = all.find((s) => s.name === `cgflux_${name}` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (!hit) throw new Error(`no cgflux_${name}${JSON.stringify(labels)} in /metrics`);
    return hit.value;
  }

  async health(): Promise<{ code: number; body: { status: string; reasons: string[]; outputs: Record<string, { spool_bytes: number; last_error: string | null }> } }> {
    const res = await httpGet(`http://127.0.0.1:${this.port}/healthz`);
    return { code: res.status, body: JSON.parse(res.text) };
  }

  /** Polls until `probe` holds (a thrown error counts as "not yet"). */
  async until(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await probe().catch(() => false)) return;
      if (this.exit) throw new Error(`daemon exited (${JSON.stringify(this.exit)}) while waiting for ${what}; log:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; log:\n${this.stderr}`);
      await sleep(100);
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }

  /** SIGTERM and wait for the exit; the exit and how long it took. */
  async stop(timeoutMs = 20_000): Promise<Exit & { ms: number }> {
    const t0 = Date.now();
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([this.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
    clearTimeout(timer);
    if (!exit) {
      this.proc.kill('SIGKILL');
      throw new Error(`daemon did not exit within ${timeoutMs} ms of SIGTERM; log:\n${this.stderr}`);
    }
    return { ...exit, ms: Date.now() - t0 };
  }

  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** For `after` hooks: whatever state it is in, it is gone afterwards. */
  async ensureGone(): Promise<void> {
    if (this.exit) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** The tick count the daemon reports in its "stopped after N ticks" line. */
  ticksAtStop(): number {
    const m = /stopped after (\d+) ticks/.exec(this.stderr);
    if (!m) throw new Error(`no "stopped after N ticks" in the log:\n${this.stderr}`);
    return Number(m[1]);
  }
}

export function writeConfig(file: string, config: Record<string, unknown>): void {
  writeFileSync(file, stringify(config));
}

/** Waits until the wall clock is `fromMs`..`toMs` into a second: far from the 1 s tick edges. */
export async function midSecond(fromMs = 250, toMs = 600): Promise<void> {
  for (;;) {
    const into = Date.now() % 1000;
    if (into >= fromMs && into <= toMs) return;
    await sleep(into < fromMs ? fromMs - into : 1000 - into + fromMs);
  }
}

/** Runs a CLI command of cgflux to completion. */
export function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`cgflux ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
