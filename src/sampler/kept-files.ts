// Reads cgroup and procfs files through descriptors kept open between ticks and re-read from
// offset 0 (the kernel regenerates the content each time): far cheaper than opening each file per
// tick, which is what keeps cgflux near the kernel's own cost. Beyond the DescriptorBudget a file
// is opened, read and closed per read, so every container is still sampled.
import { closeSync, openSync, readSync, constants } from 'node:fs';
import { logger } from '../log.js';
import { isOutOfDescriptors, openFilesNeeded, processDescriptorBudget, type DescriptorBudget } from './descriptor-budget.js';
import type { ReadErrors } from '../errors/read-errors.js';
import type { ReadMode } from './collector.js';

const log = logger('sampler');
/** The budget message is repeated at most this often, and only when more containers fall back. */
const BUDGET_LOG_INTERVAL_MS = 60 * 60 * 1000;

let buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * The whole content of `fd` read from offset 0, through one buffer shared by every reader (reads
 * are synchronous and the string is made before returning).
 */
export function readWhole(fd: number): string {
  let length = readSync(fd, buffer, 0, buffer.length, 0);
  // The content did not fit: grow and read again from offset 0 (a second read at an offset could
  // mix two generations of the file).
  while (length === buffer.length) {
    buffer = Buffer.allocUnsafe(buffer.length * 2);
    length = readSync(fd, buffer, 0, buffer.length, 0);
  }
  return buffer.toString('latin1', 0, length);
}

export interface KeptFilesOptions {
  /** Shared cap on kept descriptors; the process-wide one by default. */
  budget?: DescriptorBudget;
}

export class KeptFiles {
  /** path → kept descriptor. */
  private readonly open = new Map<string, number>();
  /**
   * owner → paths it kept open or found absent, so that release() finds them. An array, not a Set:
   * ~25 paths per container are added once and only walked on release (a Set costs ~3× more).
   */
  private readonly byOwner = new Map<string, string[]>();
  /** Kept paths read in 'rare' mode: closed first when the budget is spent (closeSpare). */
  private readonly spare = new Set<string>();
  /** Paths known to be absent (controller not mounted, file missing on this kernel): not retried every tick. */
  private readonly absent = new Map<string, string>();
  readonly budget: DescriptorBudget;
  /** Owners that had a file read with open/read/close since the last endOfTick(). */
  private readonly fallbackOwners = new Set<string>();
  /** The budget's fallbackReads at the last endOfTick() (it counts ProcFiles' reads too). */
  private fallbackReadsAtTickEnd = 0;
  /** Owners that fell back during the last completed tick (a gauge). */
  fallbackContainers = 0;
  private lastBudgetLogMs = Number.NEGATIVE_INFINITY;
  private lastLoggedFallbackContainers = 0;

  constructor(
    private readonly errors: ReadErrors,
    options: KeptFilesOptions = {},
  ) {
    this.budget = options.budget ?? processDescriptorBudget();
  }

  /**
   * Returns the file's whole content, or undefined when it cannot be read (the reason is counted
   * under `collector`). `owner` groups descriptors for release().
   */
  read(path: string, owner: string, collector: string, mode: ReadMode = 'kept'): string | undefined {
    let fd = this.open.get(path);
    if (fd === undefined) {
      if (this.absent.get(path) === owner) return undefined;
      if (mode === 'once') return this.readOnce(path, owner, collector, false);
      if (mode === 'rare') {
        if (!this.budget.tryKeepSpare()) return this.readOnce(path, owner, collector, false);
      } else if (!this.budget.tryKeep()) return this.readOnce(path, owner, collector, true);
      try {
        fd = openSync(path, constants.O_RDONLY);
      } catch (err) {
        this.budget.returned();
        const code = (err as NodeJS.ErrnoException).code;
        if (isOutOfDescriptors(code)) return this.outOfDescriptors(path, owner, collector);
        this.openFailed(path, owner, collector, code);
        return undefined;
      }
      this.open.set(path, fd);
      this.own(owner, path);
      if (mode === 'rare') {
        this.spare.add(path);
        if (this.spare.size === 1) this.budget.addReclaimer(this.closeSpare);
      }
    }
    try {
      return readWhole(fd);
    } catch (err) {
      this.forget(path);
      this.readFailed(path, owner, collector, (err as NodeJS.ErrnoException).code);
      return undefined;
    }
  }

  /** Closes every descriptor of one owner (a container that left). */
  release(owner: string): void {
    const paths = this.byOwner.get(owner);
    if (!paths) return;
    for (const path of paths) {
      this.forget(path);
      if (this.absent.get(path) === owner) this.absent.delete(path);
    }
    this.byOwner.delete(owner);
  }

  closeAll(): void {
    for (const owner of [...this.byOwner.keys()]) this.release(owner);
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Reads done with open/read/close because the descriptor budget was spent (process-wide, monotonic). */
  get fallbackReads(): number {
    return this.budget.fallbackReads;
  }

  /**
   * Called once a tick has read every container: publishes how many containers fell back and,
   * rarely, tells the operator what limit would let every file stay open.
   */
  endOfTick(nowMs = Date.now()): void {
    this.fallbackContainers = this.fallbackOwners.size;
    const fallbackReads = this.budget.fallbackReads - this.fallbackReadsAtTickEnd;
    this.fallbackReadsAtTickEnd = this.budget.fallbackReads;
    if (this.fallbackContainers === 0) return;
    let owners = this.byOwner.size;
    for (const owner of this.fallbackOwners) if (!this.byOwner.has(owner)) owners++;
    this.fallbackOwners.clear();
    // Said once, then again at most hourly and only when more containers fall back.
    if (nowMs - this.lastBudgetLogMs < BUDGET_LOG_INTERVAL_MS) return;
    if (this.fallbackContainers <= this.lastLoggedFallbackContainers) return;
    this.lastBudgetLogMs = nowMs;
    this.lastLoggedFallbackContainers = this.fallbackContainers;
    log.warn(this.budgetMessage(owners, (this.budget.used + fallbackReads) / owners), {
      kept_open: this.budget.used,
      kept_open_limit: this.budget.limit,
      open_files_limit: this.budget.openFilesLimit,
      containers_read_with_open_close: this.fallbackContainers,
    });
  }

  /** The operator's line: what is kept, what falls back, which limit would keep every file open. */
  private budgetMessage(owners: number, perContainer: number): string {
    const b = this.budget;
    const fmt = (n: number) => n.toLocaleString('en-US');
    const of = b.openFilesLimit === undefined ? 'kept open' : `of ${fmt(b.openFilesLimit)} open files`;
    const why = b.lowered ? '; lowered after the process ran out of descriptors: something else in it holds many' : '';
    return (
      `kept-open descriptor budget reached (${fmt(b.used)} ${of}${why}): ` +
      `${fmt(this.fallbackContainers)} containers read with open/read/close each tick (correct, slower); ` +
      `raise the open-files limit (LimitNOFILE) to about ${fmt(openFilesNeeded(owners, perContainer))} for ${fmt(owners)} containers`
    );
  }

  /** Open, read, close: a file read rarely, or one beyond the budget (`fallback`, counted as such). */
  private readOnce(path: string, owner: string, collector: string, fallback: boolean): string | undefined {
    if (fallback) {
      this.budget.fallbackReads++;
      this.fallbackOwners.add(owner);
    }
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (isOutOfDescriptors(code)) {
        // A rare read that found no descriptor: the kept ones are shed as for any other open.
        if (!fallback) return this.outOfDescriptors(path, owner, collector);
        // Not retried here: counted, and the next tick tries again (no loop, no starvation).
        this.budget.exhaustedOpens++;
        this.errors.count(collector, 'unreadable');
        return undefined;
      }
      this.openFailed(path, owner, collector, code);
      return undefined;
    }
    try {
      return readWhole(fd);
    } catch (err) {
      this.readFailed(path, owner, collector, (err as NodeJS.ErrnoException).code);
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * EMFILE/ENFILE although the budget allowed one more: the budget is lowered below what is kept,
   * the excess closed, and this file read once with the descriptors so freed.
   */
  private outOfDescriptors(path: string, owner: string, collector: string): string | undefined {
    this.budget.exhausted();
    this.shed(this.budget.excess);
    this.lastBudgetLogMs = Number.NEGATIVE_INFINITY;
    this.lastLoggedFallbackContainers = 0;
    return this.readOnce(path, owner, collector, true);
  }

  /** Closes `count` kept descriptors, the most recently opened first. */
  private shed(count: number): void {
    if (count <= 0) return;
    const paths = [...this.open.keys()];
    for (let i = paths.length - 1; i >= 0 && count > 0; i--, count--) this.forget(paths[i]);
  }

  private own(owner: string, path: string): void {
    const owned = this.byOwner.get(owner);
    if (!owned) this.byOwner.set(owner, [path]);
    else if (!owned.includes(path)) owned.push(path);
  }

  private openFailed(path: string, owner: string, collector: string, code: string | undefined): void {
    this.errors.count(collector, code === 'ENOENT' ? 'missing' : 'unreadable');
    if (code === 'ENOENT') {
      this.absent.set(path, owner);
      this.own(owner, path);
    }
  }

  private readFailed(path: string, owner: string, collector: string, code: string | undefined): void {
    if (code === 'ENODEV' || code === 'ESRCH' || code === 'ENOENT') {
      // The cgroup or process went away under us.
      this.errors.count(collector, 'vanished');
    } else {
      // The file exists but cannot be read (EISDIR, EOPNOTSUPP from a PSI file when the kernel
      // has PSI disabled, …): it will not get better, so it is not retried every tick.
      this.errors.count(collector, 'unreadable');
      this.absent.set(path, owner);
      this.own(owner, path);
    }
  }

  /** The budget's reclaimer: closes the oldest spare descriptor; false when none is kept. */
  private readonly closeSpare = (): boolean => {
    for (const path of this.spare) {
      this.forget(path);
      return true;
    }
    return false;
  };

  private forget(path: string): void {
    const fd = this.open.get(path);
    if (fd === undefined) return;
    this.open.delete(path);
    if (this.spare.delete(path) && this.spare.size === 0) this.budget.removeReclaimer(this.closeSpare);
    this.budget.returned();
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
  }
}
