// Context switches counted by the kernel: one BPF program on sched_switch, loaded by the native
// helper, counts every switch of every task per cgroup v2 id — tasks that start and end between
// two ticks included. One read per tick serves every container. When the helper is absent, not
// permitted or stops answering, `method` is `proc` and callers use the /proc lower bound; that is
// logged once, with the reason.
import { existsSync, statSync, statfsSync } from 'node:fs';
import { logger, type Logger } from '../../log.js';
import { HelperChannel } from './helper-channel.js';
import { helperPath } from './locate.js';
import { parseSnapshot, type SwitchCounts } from './protocol.js';

export type SwitchMethod = 'kernel' | 'proc';
/** `auto`: the kernel when it can, else /proc; `kernel`: the same, but a failure is an error. */
export type MethodSetting = 'auto' | 'kernel' | 'proc';

export interface KernelSwitchesOptions {
  setting: MethodSetting;
  binary?: string;
  log?: Logger;
  replyTimeoutMs?: number;
  /** Reads after which a cgroup no container asked for is dropped from the kernel's map. */
  unusedReads?: number;
}

/** The program counts every cgroup of the host; those no container claims go after this many reads. */
const UNUSED_READS = 60;

const CONTAINER_ID = /[0-9a-f]{64}/;

export class KernelSwitches {
  private channel?: HelperChannel;
  private methodNow: SwitchMethod = 'proc';
  private why = 'not started';
  private started?: Promise<SwitchMethod>;
  private decided = false;
  private snapshot?: Map<bigint, SwitchCounts>;
  /** Container id (from the cgroup directory name) → cgroup id, for cgroups already removed. */
  private readonly byContainer = new Map<string, bigint>();
  private droppedWarned = false;
  /** The last snapshot said the map was full (switches of cgroups without an entry were dropped). */
  private full = false;
  private readonly log: Logger;
  private reads = 0;
  /** Cgroup id → the read at which a container last claimed it (or it first appeared). */
  private readonly claimedAt = new Map<bigint, number>();

  constructor(private readonly options: KernelSwitchesOptions) {
    this.log = options.log ?? logger('context-switches');
  }

  get method(): SwitchMethod {
    return this.methodNow;
  }

  get reason(): string {
    return this.why;
  }

  /** Pid of the helper while it runs (tests stop it to check the fallback). */
  get helperPid(): number | undefined {
    return this.channel?.pid;
  }

  /** True once start() has decided the method (synchronously when there is nothing to load). */
  get settled(): boolean {
    return this.decided;
  }

  /** Loads the program (once); resolves with the method in use and logs it with its reason. */
  start(): Promise<SwitchMethod> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<SwitchMethod> {
    // Runs synchronously up to the first await: `proc` and a missing binary settle at once.
    const binary = this.options.binary ?? helperPath();
    if (this.options.setting === 'proc') {
      this.settle('proc', 'collectors.context_switches.method is proc');
    } else if (!existsSync(binary)) {
      this.settle('proc', `no helper binary at ${binary} (build it with scripts/build-native.sh)`);
    } else {
      try {
        this.channel = await HelperChannel.open({ binary, replyTimeoutMs: this.options.replyTimeoutMs });
        this.settle('kernel', 'BPF program attached to sched_switch', binary);
      } catch (err) {
        this.settle('proc', (err as Error).message);
      }
    }
    return this.methodNow;
  }

  private settle(method: SwitchMethod, why: string, binary?: string): void {
    this.methodNow = method;
    this.why = why;
    this.decided = true;
    if (method === 'kernel') {
      this.log.info('context switches counted by the kernel (exact: every switch of every task of the cgroup)', { reason: why, helper: binary });
      return;
    }
    const msg = 'context switches counted from /proc/<tid>/status (a lower bound: tasks that end between ticks are missed)';
    if (this.options.setting === 'kernel') this.log.error(`collectors.context_switches.method is kernel, but the kernel counter is unavailable; ${msg}`, { reason: why });
    else this.log.info(msg, { reason: why });
  }

  /** Asks the helper for the totals that the next readAll() takes (no-op unless the method is `kernel`). */
  prefetch(): void {
    const channel = this.channel;
    if (this.methodNow !== 'kernel' || !channel) return;
    try {
      channel.request();
    } catch (err) {
      this.lose((err as Error).message);
    }
  }

  /**
   * Every cgroup's totals since the program was attached, read from the kernel now. Undefined
   * when the method is not (or no longer) `kernel`: the first failure logs one warning.
   */
  readAll(): Map<bigint, SwitchCounts> | undefined {
    const channel = this.channel;
    if (this.methodNow !== 'kernel' || !channel) return undefined;
    try {
      const parsed = parseSnapshot(channel.read());
      if (!parsed) throw new Error('the helper sent a malformed reply');
      for (const [id, name] of parsed.names) {
        const container = CONTAINER_ID.exec(name);
        if (container) this.byContainer.set(container[0], id);
      }
      // A name whose map entry was dropped (forgotten without its container id) matches nothing now.
      for (const [container, id] of this.byContainer) if (!parsed.counts.has(id)) this.byContainer.delete(container);
      this.full = parsed.dropped > 0n;
      if (parsed.dropped > 0n && !this.droppedWarned) {
        this.droppedWarned = true;
        this.log.warn('the kernel counter map is full: switches of cgroups not yet counted are missed', { dropped: parsed.dropped });
      }
      this.snapshot = parsed.counts;
      this.sweep(parsed.counts);
      return parsed.counts;
    } catch (err) {
      this.lose((err as Error).message);
      return undefined;
    }
  }

  /**
   * True when a cgroup missing from the last snapshot had no switch since the program was
   * attached; false once the map filled up (its switches may have been dropped, not absent).
   */
  get complete(): boolean {
    return !this.full;
  }

  /** A container's collector uses this cgroup's totals: they stay in the kernel's map. */
  claim(cgroupId: bigint): void {
    this.claimedAt.set(cgroupId, this.reads);
  }

  /**
   * Forgets the cgroups no container claimed for a while (systemd units, filtered-out or long-gone
   * containers), so the map never fills up on a long-running host. The grace covers a container
   * that discovery has not listed yet, and the last rows of departed ones.
   */
  private sweep(counts: ReadonlyMap<bigint, SwitchCounts>): void {
    this.reads++;
    const limit = this.options.unusedReads ?? UNUSED_READS;
    for (const id of this.claimedAt.keys()) if (!counts.has(id)) this.claimedAt.delete(id);
    for (const id of counts.keys()) {
      const at = this.claimedAt.get(id);
      if (at === undefined) this.claimedAt.set(id, this.reads);
      else if (this.reads - at > limit) {
        this.claimedAt.delete(id);
        this.forget(id);
      }
    }
  }

  /** The snapshot of the last readAll(), if it succeeded. */
  get last(): Map<bigint, SwitchCounts> | undefined {
    return this.methodNow === 'kernel' ? this.snapshot : undefined;
  }

  /** The cgroup id of a container whose cgroup directory is already gone, from the name the program recorded. */
  cgroupIdOfContainer(containerId: string): bigint | undefined {
    return this.byContainer.get(containerId);
  }

  /** Drops a cgroup's counters in the kernel (its container left): the map stays bounded. */
  forget(cgroupId: bigint, containerId?: string): void {
    if (containerId && this.byContainer.get(containerId) === cgroupId) this.byContainer.delete(containerId);
    if (this.methodNow !== 'kernel' || !this.channel) return;
    try {
      this.channel.send(`d ${cgroupId}\n`);
    } catch (err) {
      this.lose((err as Error).message);
    }
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
    this.snapshot = undefined;
    this.methodNow = 'proc';
    this.why = 'closed';
  }

  private lose(reason: string): void {
    this.channel?.close();
    this.channel = undefined;
    this.snapshot = undefined;
    this.methodNow = 'proc';
    this.why = reason;
    this.log.warn('the kernel context-switch counter stopped; counting from /proc/<tid>/status again (a lower bound)', { reason });
  }
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * The cgroup v2 id of a cgroup directory: its inode number. Undefined when it is gone or not on a
 * cgroup2 file system (a copied tree's inode is no cgroup's id).
 */
export function cgroupIdOf(dir: string): bigint | undefined {
  try {
    if (statfsSync(dir).type !== CGROUP2_SUPER_MAGIC) return undefined;
    return statSync(dir, { bigint: true }).ino;
  } catch {
    return undefined;
  }
}
