// A private dockerd for tests that must stop or restart the daemon: the shared one on
// /var/run/docker.sock is used by other tests running at the same time, so it is never touched.
// Own socket, data-root, exec-root, pidfile, containerd (namespaces) and cgroup parent; no
// networking (no bridge, no iptables). Its containerd is started here, as this process's child,
// not by dockerd: a dockerd killed with SIGKILL then leaves a live containerd it reconnects to on
// restart (as with a system containerd), instead of an unreaped one it waits for in vain.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, rmdirSync, readdirSync, writeFileSync } from 'node:fs';
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

/** Every cgroup directory below `dir` (itself included), deepest first. */
function cgroupTree(dir: string): string[] {
  let children: string[];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return []; // not created in this hierarchy, or already gone
  }
  return [...children.flatMap((c) => cgroupTree(join(dir, c))), dir];
}

/** Kills what still runs in this daemon's cgroups, then removes them. */
async function removeCgroups(name: string): Promise<void> {
  const dirs = readdirSync('/sys/fs/cgroup').flatMap((h) => cgroupTree(join('/sys/fs/cgroup', h, name)));
  for (const dir of dirs) {
    try {
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* no processes, or gone */
    }
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    let busy = 0;
    for (const dir of dirs) {
      try {
        rmdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EBUSY') busy++;
      }
    }
    if (busy === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
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
  private containerd: ChildProcess | undefined;
  private readonly containerdSocket: string;

  constructor(suffix = `${process.pid}`) {
    this.name = `cgflux-test-${suffix}`;
    this.socket = `/run/cgflux-test/dockerd-${suffix}.sock`;
    this.pidfile = `/run/cgflux-test/dockerd-${suffix}.pid`;
    this.execRoot = `/run/cgflux-test/x-${suffix}`; // short: containerd's socket lives below it
    this.dataRoot = `/var/lib/cgflux-test/dockerd-${suffix}`;
    this.logFile = `${this.dataRoot}.log`;
    this.cgroupParent = `/${this.name}`; // absolute: a relative parent lands below dockerd's own cgroup
    this.containerdSocket = `${this.execRoot}/c.sock`;
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  private startContainerd(): void {
    if (this.containerd && this.containerd.exitCode === null) return;
    mkdirSync(this.execRoot, { recursive: true });
    const config = join(this.execRoot, 'containerd.toml');
    writeFileSync(
      config,
      [
        'version = 2',
        `root = "${this.dataRoot}/containerd"`,
        `state = "${this.execRoot}/containerd"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${this.containerdSocket}"`,
        '',
      ].join('\n'),
    );
    const log = openSync(this.logFile, 'a');
    this.containerd = spawn('containerd', ['--config', config], { stdio: ['ignore', log, log] });
    closeSync(log);
  }

  async start(): Promise<void> {
    mkdirSync('/run/cgflux-test', { recursive: true });
    mkdirSync(this.dataRoot, { recursive: true });
    this.startContainerd();
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
        '--containerd', this.containerdSocket,
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

  /**
   * SIGTERM: a graceful stop as `systemctl restart docker` does (its containers are stopped too).
   * SIGKILL: a crash (containerd and the containers' shims outlive it).
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopProcess(child, signal);
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
    await stopProcess(this.containerd, 'SIGTERM');
    this.containerd = undefined;
    await this.killLeftovers();
    await this.unmountLeftovers();
    rmSync(this.dataRoot, { recursive: true, force: true });
    rmSync(this.execRoot, { recursive: true, force: true });
    rmSync(this.logFile, { force: true });
    rmSync(this.socket, { force: true });
    rmSync(this.pidfile, { force: true });
    await removeCgroups(this.name);
  }

  /** containerd shims of this daemon's namespace that outlived it. */
  private async killLeftovers(): Promise<void> {
    const marker = `-namespace ${this.name} `;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      if (!cmdline.includes(marker) && !cmdline.includes(`${this.execRoot}/containerd.toml`)) continue;
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  /** Overlay, netns and data-root mounts dockerd left (it only removes them on a clean exit). */
  private async unmountLeftovers(): Promise<void> {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((m): m is string => m !== undefined && (m.startsWith(this.dataRoot) || m.startsWith(this.execRoot)))
      .sort((a, b) => b.length - a.length);
    for (const mount of mounts) await run('umount', ['-l', mount]).catch(() => undefined);
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
