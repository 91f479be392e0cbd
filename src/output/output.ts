// One configured output: batches lines (batch.max_lines / max_bytes / flush_interval_ms), spools
// each batch durably, and a delivery loop sends the spool in order.
//   write(bodies, timeMs)  bodies from the encoder; this output appends its own timestamp
//   writeLines(lines)      complete lines (own timestamps)
//   flush(deadlineMs)      shutdown: spool what is pending, deliver until the deadline
//   close()                releases timers, sockets and files; undelivered data stays spooled
import { join } from 'node:path';
import type { OutputConfig, Precision, SpoolConfig } from '../config/schema.js';
import { timestampSuffix } from '../encode/timestamp.js';
import type { Logger } from '../log.js';
import { Spool } from '../spool/spool.js';
import { DeliveryLoop } from './delivery.js';
import type { Sender } from './sender.js';
import type { OutputStats } from './stats.js';
import { definitionOf } from './types.js';

/** Sub-directory of an output's spool holding its set-aside batches. */
const ASIDE_DIR = 'aside';
const ASIDE_MIN_BYTES = 1024 * 1024;

export interface OutputDeps {
  log: Logger;
  /** Replaces the sender built from the config (tests). */
  sender?: Sender;
}

export function createSender(cfg: OutputConfig): Sender {
  return definitionOf(cfg).createSender(cfg);
}

export class Output {
  readonly name: string;
  readonly precision: Precision;
  private readonly spool: Spool;
  private readonly aside: Spool;
  private readonly loop: DeliveryLoop;
  private readonly sender: Sender;
  private pending: string[] = [];
  /** Full batches cut by the current write, spooled together. */
  private sealed: string[][] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** spoolSealed() is queued to run after the current synchronous work (the tick). */
  private spoolQueued = false;
  /** The last append handed to the spool (appends run in order: awaiting it awaits them all). */
  private appending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly cfg: OutputConfig,
    spoolCfg: SpoolConfig,
    private readonly deps: OutputDeps,
  ) {
    this.name = cfg.name;
    const definition = definitionOf(cfg);
    this.precision = definition.precision(cfg);
    const log = deps.log.child(cfg.name);
    const dir = definition.spoolsToDisk ? join(spoolCfg.dir, cfg.name) : null;
    this.spool = Spool.open({ dir, maxBytes: spoolCfg.max_bytes, segmentBytes: spoolCfg.segment_bytes, log });
    // Batches that kept failing while newer ones were accepted: a quarter of the bound, kept apart.
    const asideBytes = Math.max(ASIDE_MIN_BYTES, Math.floor(spoolCfg.max_bytes / 4));
    this.aside = Spool.open({ dir: dir && join(dir, ASIDE_DIR), maxBytes: asideBytes, segmentBytes: Math.min(spoolCfg.segment_bytes, asideBytes), log: log.child('aside') });
    this.sender = deps.sender ?? createSender(cfg);
    this.loop = new DeliveryLoop(this.spool, this.aside, this.sender, cfg.retry, log);
    this.spool.onAppend = () => this.loop.dataArrived();
    this.loop.start();
  }

  /** Lines of one tick: bodies from the encoder plus this output's timestamp of `timeMs`. */
  write(bodies: readonly string[], timeMs: number): void {
    if (this.closed || bodies.length === 0) return;
    const suffix = timestampSuffix(timeMs, this.precision);
    // A line's size is its body's plus the suffix's (ASCII digits): measuring the joined string
    // would flatten a copy of every line, and most bodies are the ones measured last tick.
    for (const body of bodies) this.add(body + suffix, Buffer.byteLength(body) + suffix.length + 1);
    this.added();
  }

  writeLines(lines: readonly string[]): void {
    if (this.closed) return;
    for (const line of lines) this.add(line, Buffer.byteLength(line) + 1);
    this.added();
  }

  /** One line of `bytes` (with its newline) into the pending batch, cut first when it is full. */
  private add(line: string, bytes: number): void {
    const { max_lines, max_bytes } = this.cfg.batch;
    if (this.pending.length > 0 && (this.pending.length >= max_lines || this.pendingBytes + bytes > max_bytes)) this.cut();
    this.pending.push(line);
    this.pendingBytes += bytes;
  }

  private added(): void {
    const { max_lines, max_bytes, flush_interval_ms } = this.cfg.batch;
    if (this.pending.length >= max_lines || this.pendingBytes >= max_bytes) this.cut();
    // Batches cut by the several writes of one tick (its hand-offs) go to the spool together, once
    // the tick's synchronous work is done: one append and one fsync per tick, not per hand-off.
    if (this.sealed.length > 0 && !this.spoolQueued) {
      this.spoolQueued = true;
      queueMicrotask(() => {
        this.spoolQueued = false;
        void this.spoolSealed();
      });
    }
    if (this.pending.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.seal(), flush_interval_ms);
      this.flushTimer.unref();
    }
  }

  /** Closes the pending batch (it is spooled with the others cut in the same call: one fsync). */
  private cut(): void {
    if (this.pending.length === 0) return;
    this.sealed.push(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Hands the pending batch to the spool (durable once the returned promise resolves). */
  private seal(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.cut();
    return this.spoolSealed();
  }

  private spoolSealed(): Promise<void> {
    if (this.sealed.length === 0) return this.appending;
    const batches = this.sealed;
    this.sealed = [];
    this.appending = this.spool.append(batches).catch((err) => this.deps.log.error('output: cannot spool a batch', { output: this.name, error: err }));
    return this.appending;
  }

  /** Spools what is pending and delivers until `deadlineMs`; true when nothing is left. */
  async flush(deadlineMs: number): Promise<boolean> {
    await this.seal();
    return this.loop.flush(deadlineMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.seal();
    this.closed = true;
    await this.loop.stop();
    await this.sender.close();
    await this.spool.close();
    await this.aside.close();
  }

  stats(): OutputStats {
    const c = this.loop.counters;
    const s = this.spool.stats();
    const a = this.aside.stats();
    const sc = this.spool.counters;
    const ac = this.aside.counters;
    return {
      name: this.name,
      type: this.cfg.type,
      pointsWritten: c.pointsWritten,
      pointsDropped: {
        ...c.rejected,
        spool_full: sc.droppedFull + ac.droppedFull,
        spool_unwritable: sc.droppedUnwritable + sc.unreadablePoints + ac.droppedUnwritable + ac.unreadablePoints,
        shutdown: sc.droppedAtShutdown + ac.droppedAtShutdown,
      },
      pointsRetried: c.pointsRetried,
      pointsSetAside: c.pointsSetAside,
      requests: c.requests,
      errors: { ...c.errors },
      lastSuccessMs: c.lastSuccessMs,
      lastError: c.lastError ?? (sc.lastDiskError ? { atMs: sc.lastDiskErrorAtMs, message: `spool: ${sc.lastDiskError}` } : null),
      spoolBytes: s.bytes + a.bytes,
      spoolMemoryBytes: s.memoryBytes + a.memoryBytes,
      spoolBatches: s.batches + a.batches,
      spoolPoints: s.points + a.points,
      spoolAsidePoints: a.points,
      spoolMemoryPoints: s.memoryPoints + a.memoryPoints,
      spoolCorruptBytes: sc.corruptBytes + ac.corruptBytes,
      spoolDiskErrors: sc.diskErrors + ac.diskErrors,
    };
  }
}

export function createOutput(cfg: OutputConfig, spool: SpoolConfig, deps: OutputDeps): Output {
  return new Output(cfg, spool, deps);
}
