// How many descriptors cgflux may keep open between ticks. Past the open-files limit every open
// fails with EMFILE and the whole process starves (sockets included), so files beyond the budget
// are opened, read and closed each tick instead (correct, slower, counted). Node has no
// getrlimit(): the soft limit comes from /proc/self/limits.
import { readFileSync } from 'node:fs';

/** Descriptors left free for sockets, spool segments, HTTP clients, the Docker socket. */
export function reserveFor(softLimit: number): number {
  const reserve = Math.max(1024, Math.ceil(softLimit * 0.1));
  // A small limit (1,024) would leave nothing to keep: split it instead.
  return Math.min(reserve, Math.floor(softLimit / 2));
}

/** The "Max open files" soft limit from a /proc/<pid>/limits text; Infinity when unlimited, undefined when absent. */
export function parseOpenFilesLimit(limitsText: string): number | undefined {
  const start = limitsText.indexOf('Max open files');
  if (start < 0) return undefined;
  const end = limitsText.indexOf('\n', start);
  const columns = limitsText.slice(start + 'Max open files'.length, end < 0 ? undefined : end).trim().split(/\s+/);
  if (columns[0] === 'unlimited') return Number.POSITIVE_INFINITY;
  const soft = Number(columns[0]);
  return Number.isFinite(soft) && soft > 0 ? soft : undefined;
}

/** The kept-open cap for this process: soft RLIMIT_NOFILE minus the reserve (100,000 when unknown). */
export function defaultKeptLimit(limitsPath = '/proc/self/limits'): { limit: number; openFilesLimit: number | undefined } {
  let soft: number | undefined;
  try {
    soft = parseOpenFilesLimit(readFileSync(limitsPath, 'latin1'));
  } catch {
    soft = undefined;
  }
  if (soft === undefined) return { limit: 100_000, openFilesLimit: undefined };
  if (soft === Number.POSITIVE_INFINITY) return { limit: 1_000_000, openFilesLimit: soft };
  return { limit: Math.max(0, soft - reserveFor(soft)), openFilesLimit: soft };
}

/** Descriptors wanted for `containers` at `perContainer` each, plus the reserve, rounded up to 1,000. */
export function openFilesNeeded(containers: number, perContainer: number): number {
  const kept = Math.ceil(containers * perContainer);
  let total = kept + 1024;
  // The reserve is 10 % of the limit once that exceeds 1,024: solve limit − 10 % ≥ kept.
  if (total * 0.1 > 1024) total = Math.ceil(kept / 0.9);
  return Math.ceil(total / 1000) * 1000;
}

/**
 * The count of kept descriptors shared by every reader of the process (KeptFiles, ProcFiles).
 * Readers ask before keeping one and give it back when they close it.
 */
export class DescriptorBudget {
  /** Descriptors currently kept open by readers under this budget. */
  used = 0;
  /** Reads done with open/read/close because the budget was spent (monotonic; for self-metrics). */
  fallbackReads = 0;
  /** Opens that failed with EMFILE/ENFILE (the process or system ran out anyway). */
  exhaustedOpens = 0;
  /** The budget was cut after an EMFILE: something else in the process holds more than the reserve. */
  lowered = false;

  constructor(
    /** Most descriptors kept open at once. */
    public limit: number,
    /** The process's open-files soft limit, for messages (undefined when unknown). */
    readonly openFilesLimit?: number,
  ) {}

  /**
   * Closers of spare descriptors (files kept only while descriptors are plentiful): asked, in
   * turn, to close one when the budget is spent, so that a file read every tick gets its place.
   */
  private readonly reclaimers: Array<() => boolean> = [];

  /**
   * True (and counted as used) when one more descriptor may be kept open; a spare one is closed
   * to make room when the budget is spent.
   */
  tryKeep(): boolean {
    if (this.used >= this.limit && !this.reclaim()) return false;
    this.used++;
    return true;
  }

  /**
   * For a file read rarely (limits, every 30 s): true (and counted as used) while at most half
   * the budget is kept, so that spare descriptors never crowd out the files read every tick. The
   * caller must register a reclaimer that can close it again.
   */
  tryKeepSpare(): boolean {
    if (this.used >= this.limit / 2) return false;
    this.used++;
    return true;
  }

  /** `close` closes one spare descriptor (and returns it to the budget); false when it has none. */
  addReclaimer(close: () => boolean): void {
    if (!this.reclaimers.includes(close)) this.reclaimers.push(close);
  }

  /** A reader that keeps no spare descriptor any more (or closed them all). */
  removeReclaimer(close: () => boolean): void {
    const i = this.reclaimers.indexOf(close);
    if (i >= 0) this.reclaimers.splice(i, 1);
  }

  private reclaim(): boolean {
    // A copy: a reader that closed its last spare removes itself.
    for (const close of [...this.reclaimers]) if (close() && this.used < this.limit) return true;
    return false;
  }

  /** A kept descriptor was closed. */
  returned(): void {
    if (this.used > 0) this.used--;
  }

  /**
   * An open failed with EMFILE/ENFILE while the budget allowed more: the process has fewer
   * descriptors than the budget assumed. The cap goes below what is kept now, so the readers shed
   * some and later reads fall back instead of failing every tick.
   */
  exhausted(): void {
    this.exhaustedOpens++;
    this.lowered = true;
    const margin = Math.max(64, Math.ceil(this.used * 0.05));
    this.limit = Math.max(0, Math.min(this.limit, this.used) - margin);
  }

  /** Kept descriptors above the (possibly lowered) limit: how many a reader should close. */
  get excess(): number {
    return Math.max(0, this.used - this.limit);
  }
}

let shared: DescriptorBudget | undefined;

/** The process-wide budget every reader uses unless it is given its own (tests). */
export function processDescriptorBudget(): DescriptorBudget {
  if (!shared) {
    const { limit, openFilesLimit } = defaultKeptLimit();
    shared = new DescriptorBudget(limit, openFilesLimit);
  }
  return shared;
}

export function isOutOfDescriptors(code: string | undefined): boolean {
  return code === 'EMFILE' || code === 'ENFILE';
}
