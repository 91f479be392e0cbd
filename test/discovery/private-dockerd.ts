// A private dockerd for tests that must stop or restart the daemon: the shared one on
// /var/run/docker.sock is used by other tests running at the same time, so it is never touched.
// Own socket, data-root, exec-root, pidfile, containerd (namespaces) and cgroup parent; no
// networking (no bridge, no iptables).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, rmdirSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_IMAGE } from '../support/services.js';

const run = promisify(execFile);

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export class PrivateDockerd {
  readonly name: string;
  readonly socket: string;
  readonly cgroupParent: string;
  private readonly dataRoot: string;
  private readonly execRoot: string;
  private readonly pidfile: string;
  private readonly logFile: string;
  private child: ChildProcess | undefined;

  constructor(suffix = `${process.pid}`) {
    this.name = `cgflux-test-${suffix}`;
    this.socket = `/run/cgflux-test/dockerd-${suffix}.sock`;
    this.pidfile = `/run/cgflux-test/dockerd-${suffix}.pid`;
    this.execRoot = `/run/cgflux-test/x-${suffix}`; // short: containerd's socket lives below it
    this.dataRoot = `/var/lib/cgflux-test/dockerd-${suffix}`;
    this.logFile = `${this.dataRoot}.log`;
    this.cgroupParent = this.name;
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    mkdirSync('/run/cgflux-test', { recursive: true });
    mkdirSync(this.dataRoot, { recursive: true });
    const log = openSync(this.logFile, 'a');
    // 20.10 flags (dockerd --help): containerd namespaces keep its containers apart from the shared daemon's.
    this.child = spawn(
      'dockerd',
      [
        '--host', this.host,
        '--data-root', this.dataRoot,
        '--exec-root', this.execRoot,
        '--pidfile', this.pidfile,
        '--iptables=false', '--ip-masq=false', '--bridge=none',
        '--containerd-namespace', this.name,
        '--containerd-plugins-namespace', `${this.name}-plugins`,
        '--cgroup-parent', this.cgroupParent,
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const child = this.child;
    const deadline = Date.now() + 30_000;
    while (!(await ping(this.socket))) {
      if (child.exitCode !== null) throw new Error(`private dockerd exited with ${child.exitCode}: ${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`private dockerd did not answer within 30 s: ${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Graceful stop, as `systemctl restart docker` does (containers are stopped with it). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  async docker(...args: string[]): Promise<string> {
    const { stdout } = await run('docker', ['-H', this.host, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  }

  /** Copies the test image from the shared daemon (no registry needed). */
  async loadTestImage(): Promise<void> {
    await run('sh', ['-c', `docker save ${TEST_IMAGE} | docker -H ${this.host} load`]);
  }

  /** Removes its containers, stops it and deletes every directory and cgroup it made. */
  async destroy(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const ids = (await this.docker('ps', '-aq').catch(() => '')).split(/\s+/).filter(Boolean);
      if (ids.length) await this.docker('rm', '-f', ...ids).catch(() => undefined);
    }
    await this.stop();
    const containerdPid = join(this.execRoot, 'containerd', 'containerd.pid');
    if (existsSync(containerdPid)) {
      const pid = Number(readFileSync(containerdPid, 'utf8'));
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(this.dataRoot, { recursive: true, force: true });
    rmSync(this.execRoot, { recursive: true, force: true });
    rmSync(this.logFile, { force: true });
    rmSync(this.socket, { force: true });
    rmSync(this.pidfile, { force: true });
    for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
      try {
        rmdirSync(join('/sys/fs/cgroup', hierarchy, this.cgroupParent));
      } catch {
        /* not created in this hierarchy, or already gone */
      }
    }
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
