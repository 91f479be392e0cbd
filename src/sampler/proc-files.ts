// Kept-open descriptors for per-task /proc files, which come and go with threads: a task that
// exited is a normal outcome (GONE), not a read error, and each descriptor closes on its own so
// thread churn leaks nothing. A kept /proc/<tid>/status fails with ESRCH once its task exited,
// even when the number was reused: that is how a reused tid is told from the old one. At most
// `maxOpen` stay open, within the DescriptorBudget shared with KeptFiles.
import { closeSync, openSync, constants } from 'node:fs';
import { isOutOfDescriptors, processDescriptorBudget, type DescriptorBudget } from './descriptor-budget.js';
import { readWhole } from './kept-files.js';

export const GONE = Symbol('task gone');

export interface ProcRead {
  /** Content, GONE (task exited / never existed), or undefined on another failure (`errorCode`). */
  text: string | typeof GONE | undefined;
  /** A kept descriptor reported its task gone and the path was reopened on a new task. */
  reopened: boolean;
  errorCode?: string;
}

interface Kept {
  fd: number;
  path: string;
}

function isGone(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ESRCH' || code === 'ENODEV';
}

export class ProcFiles {
  private readonly kept = new Map<string | number, Kept>();
  private readonly result: ProcRead = { text: undefined, reopened: false };
  readonly budget: DescriptorBudget;

  constructor(
    private readonly maxOpen = 4096,
    budget?: DescriptorBudget,
  ) {
    this.budget = budget ?? processDescriptorBudget();
  }

  /** Reads `path`, kept under `key`. The returned object is reused by the next call. */
  read(key: string | number, path: string): ProcRead {
    const r = this.result;
    r.reopened = false;
    r.errorCode = undefined;
    const kept = this.kept.get(key);
    if (kept && kept.path !== path) this.close(key);
    else if (kept) {
      try {
        r.text = readWhole(kept.fd);
        return r;
      } catch (err) {
        this.close(key);
        const code = (err as NodeJS.ErrnoException).code;
        if (!isGone(code)) return this.fail(code);
        r.reopened = true;
      }
    }
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (isOutOfDescriptors(code)) {
        // Counted, not retried: the budget is cut below what is kept and this reader sheds its
        // share, so the next read falls back to open/read/close instead of failing.
        this.budget.exhausted();
        this.shed(this.budget.excess);
      }
      return this.fail(code);
    }
    try {
      r.text = readWhole(fd);
    } catch (err) {
      closeSync(fd);
      return this.fail((err as NodeJS.ErrnoException).code);
    }
    if (this.kept.size < this.maxOpen && this.budget.tryKeep()) this.kept.set(key, { fd, path });
    else {
      this.budget.fallbackReads++;
      closeSync(fd);
    }
    return r;
  }

  close(key: string | number): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    this.kept.delete(key);
    this.budget.returned();
    try {
      closeSync(kept.fd);
    } catch {
      /* already closed */
    }
  }

  closeAll(): void {
    for (const key of [...this.kept.keys()]) this.close(key);
  }

  get openCount(): number {
    return this.kept.size;
  }

  private fail(code: string | undefined): ProcRead {
    this.result.text = isGone(code) ? GONE : undefined;
    this.result.errorCode = code;
    return this.result;
  }

  /** Closes `count` kept descriptors, the most recently opened first. */
  private shed(count: number): void {
    if (count <= 0) return;
    const keys = [...this.kept.keys()];
    for (let i = keys.length - 1; i >= 0 && count > 0; i--, count--) this.close(keys[i]);
  }
}
