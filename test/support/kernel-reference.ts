// The kernel's own count of context switches, as the reference for the exact method: bpftrace
// (Debian's package) on the sched:sched_switch tracepoint — the tracefs event, not the raw BTF
// one cgflux's program uses — counting events whose switched-out task is in a cgroup. In that
// event's prev_state a preempted task reports TASK_REPORT_MAX (0x100) and a task switched out
// while runnable reports 0: both are involuntary, any other state is voluntary.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { KernelSwitches } from '../../src/sampler/kernel-switches/kernel-switches.js';
import { helperPath } from '../../src/sampler/kernel-switches/locate.js';

const HINT = 'run scripts/test-env.sh (installs bpftrace, mounts tracefs, builds the helper)';

/** The three containers of issue 12: busybox sh scripts. */
export const WORKLOADS = {
  'fork-heavy shell loop running ls': 'while true; do ls / >/dev/null; done',
  'sleep 0.01 loop': 'while true; do sleep 0.01; done',
  'long-lived CPU burner': 'while :; do :; done',
};

/** Seconds each workload is compared over (CGFLUX_SWITCH_TEST_SECONDS shortens it). */
export const SECONDS = Number(process.env.CGFLUX_SWITCH_TEST_SECONDS ?? 5);

/** Fails unless the reference and the real helper can run; returns a started kernel counter. */
export async function startKernelCounter(): Promise<KernelSwitches> {
  requireBpftrace();
  if (!existsSync(helperPath())) throw new Error(`no helper at ${helperPath()}: ${HINT}`);
  const kernel = new KernelSwitches({ setting: 'kernel' });
  if ((await kernel.start()) !== 'kernel') throw new Error(`the kernel counter did not start: ${kernel.reason}`);
  return kernel;
}

export function requireBpftrace(): void {
  if (process.getuid?.() !== 0) throw new Error('the kernel-count tests need root (BPF)');
  if (!existsSync('/usr/bin/bpftrace') && !existsSync('/usr/sbin/bpftrace')) throw new Error(`bpftrace is not installed: ${HINT}`);
  if (!existsSync('/sys/kernel/tracing/events/sched/sched_switch')) throw new Error(`tracefs is not mounted at /sys/kernel/tracing: ${HINT}`);
}

/** The unified (cgroup v2) directory of a process: on hybrid hosts under <root>/unified. */
export function unifiedDirOf(pid: number, cgroupRoot = '/sys/fs/cgroup'): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
  if (!line) throw new Error(`process ${pid} has no cgroup v2 entry`);
  const mount = existsSync(join(cgroupRoot, 'unified', 'cgroup.procs')) ? join(cgroupRoot, 'unified') : cgroupRoot;
  return join(mount, line.slice(3));
}

export interface ReferenceCount {
  voluntary: bigint;
  involuntary: bigint;
}

export interface Reference {
  /** Resolves with the cumulative counts at each of bpftrace's one-second reports. */
  next(): Promise<ReferenceCount>;
  stop(): void;
}

/** Counts sched_switch events of one cgroup id, reported every second. */
export function countCgroup(cgroupId: bigint): Promise<Reference> {
  const program = `
tracepoint:sched:sched_switch /cgroup == ${cgroupId} && args->prev_state != 0 && !(args->prev_state & 256)/ { @v++; }
tracepoint:sched:sched_switch /cgroup == ${cgroupId} && (args->prev_state == 0 || (args->prev_state & 256))/ { @i++; }
BEGIN { @v = 0; @i = 0; printf("go\\n"); }
interval:ms:1000 { printf("%d %d\\n", @v, @i); }`;
  return start(program, (line) => {
    const [v, i] = line.split(' ');
    return { voluntary: BigInt(v), involuntary: BigInt(i) };
  });
}

/** Counts sched_switch events of every cgroup until stopped, then resolves with them by id. */
export function countEveryCgroup(): Promise<{ stop(): Promise<Map<bigint, bigint>> }> {
  const program = `
tracepoint:sched:sched_switch { @[cgroup] = count(); }
BEGIN { printf("go\\n"); }`;
  return new Promise((resolve, reject) => {
    const child = spawnBpftrace(program);
    let out = '';
    let attached = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!attached && /^go$/m.test(out)) {
        attached = true;
        resolve({
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => {
                const counts = new Map<bigint, bigint>();
                for (const m of out.matchAll(/^@\[(\d+)\]: (\d+)$/gm)) counts.set(BigInt(m[1]), BigInt(m[2]));
                done(counts);
              });
              child.kill('SIGINT');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`bpftrace exited (${code}) before attaching`)));
  });
}

function spawnBpftrace(program: string): ChildProcess {
  const child = spawn('bpftrace', ['-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  return child;
}

function start(program: string, parse: (line: string) => ReferenceCount): Promise<Reference> {
  return new Promise((resolve, reject) => {
    const child = spawnBpftrace(program);
    const lines = createInterface({ input: child.stdout! });
    const waiting: ((c: ReferenceCount) => void)[] = [];
    const ready: ReferenceCount[] = [];
    let attached = false;
    lines.on('line', (line) => {
      if (!attached) {
        if (line === 'go') {
          attached = true;
          resolve({
            next: () => new Promise((r) => (ready.length ? r(ready.shift()!) : waiting.push(r))),
            stop: () => child.kill('SIGINT'),
          });
        }
        return;
      }
      if (!/^\d+ \d+$/.test(line)) return;
      const count = parse(line);
      const w = waiting.shift();
      if (w) w(count);
      else ready.push(count);
    });
    child.once('exit', (code) => {
      if (!attached) reject(new Error(`bpftrace exited (${code}) before attaching`));
    });
  });
}

/**
 * Lets a paused container run for `seconds` under the reference: `read('start')` is called while
 * it is still paused, `read('tick')` after each one-second report, `read('end')` once it is paused
 * again and the reference reported after that. Both ends are taken while nothing in the cgroup
 * can switch, so the comparison does not depend on how late either side reads. Returns the
 * reference's count over the run.
 */
export async function compareOverRun(containerId: string, cgroupId: bigint, seconds: number, read: (when: 'start' | 'tick' | 'end') => void): Promise<ReferenceCount> {
  const docker = (...args: string[]) => promisify(execFile)('docker', args);
  await docker('pause', containerId);
  const reference = await countCgroup(cgroupId);
  try {
    const first = await reference.next();
    read('start');
    await docker('unpause', containerId);
    for (let s = 0; s < seconds; s++) {
      await reference.next();
      read('tick');
    }
    await docker('pause', containerId);
    await reference.next(); // may have been taken before the freeze completed
    const last = await reference.next();
    read('end');
    return { voluntary: last.voluntary - first.voluntary, involuntary: last.involuntary - first.involuntary };
  } finally {
    reference.stop();
    await docker('unpause', containerId).catch(() => undefined);
  }
}
