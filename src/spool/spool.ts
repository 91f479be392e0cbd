// A durable, bounded, ordered queue of batches for one output (BatchQueue).
// append() writes each batch as a checksummed frame to the current segment file and fsyncs
// before the batch becomes visible to the sender; ack() removes a batch once the server accepted
// it. open() replays what was appended but never acked, in order. Failures of the disk never stop
// sampling: the batch is kept in memory (bounded) and the error is counted and logged.
// The parts: DiskQueue (files), MemoryStore (memory-only batches), BodyCache (bodies kept in memory).
import type { Logger } from '../log.js';
import { BodyCache } from './body-cache.js';
import { DiskQueue } from './disk-queue.js';
import { encodeFrameBody } from './frame.js';
import { MemoryStore } from './memory-store.js';
import { describeFsError } from '../errors/fs-error.js';
import { SpoolCounters } from './spool-counters.js';
import type { BatchQueue, SpoolEntry, SpoolOptions, SpoolStats } from './spool-types.js';

export type { BatchQueue, SpoolEntry, SpoolOptions, SpoolStats } from './spool-types.js';

export class Spool implements BatchQueue {
  readonly counters = new SpoolCounters();
  /** Called after batches were appended (the output's delivery loop wakes up). */
  onAppend: () => void = () => {};

  private readonly queue: SpoolEntry[] = [];
  private readonly disk: DiskQueue | undefined;
  private readonly memory: MemoryStore;
  private readonly cache = new BodyCache();
  private inflight: SpoolEntry | undefined;
  private io: Promise<void> = Promise.resolve();
  private diskRetryAt = 0;
  /** Entries of the append in progress (not yet queued), so dropping a segment sees them too. */
  private writing: SpoolEntry[] = [];
  private closed = false;
  private readonly log: Logger;

  private constructor(private readonly options: SpoolOptions) {
    this.log = options.log;
    this.memory = new MemoryStore(options.dir === null ? options.maxBytes : (options.memoryMaxBytes ?? Math.min(options.maxBytes, 64 * 1024 * 1024)));
    if (options.dir !== null) this.disk = new DiskQueue(options.dir, options.segmentBytes, this.counters, this.log, (task) => this.serial(task));
  }

  /** Opens (creating) the spool and loads what a previous run left unacknowledged. Never throws. */
  static open(options: SpoolOptions): Spool {
    const spool = new Spool(options);
    spool.load();
    return spool;
  }

  private load(): void {
    if (!this.disk) return;
    try {
      for (const f of this.disk.load()) this.queue.push({ lines: f.lines, bytes: f.bytes, seq: f.seq, offset: f.offset });
      const { batches, points } = this.pendingTotals();
      if (batches > 0) this.log.info('spool: replaying batches a previous run did not deliver', { dir: this.disk.dir, batches, points });
    } catch (err) {
      this.diskFailed(err, 'open');
    }
  }

  append(batches: readonly (readonly string[])[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    const nonEmpty = batches.filter((b) => b.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    return this.serial(async () => {
      const entries = this.disk && Date.now() >= this.diskRetryAt ? await this.writeFrames(this.disk, nonEmpty) : nonEmpty.map((l) => this.memory.entry(l));
      for (const e of entries) {
        this.cache.admit(e);
        this.queue.push(e);
      }
      this.memory.enforce(this.queue, this.inflight, (e) => {
        if (this.disk) this.counters.droppedUnwritable += e.lines;
        else this.counters.droppedFull += e.lines;
        this.log.warn('spool: memory bound reached; dropped the oldest points', { points_lost: e.lines, bound_bytes: this.memory.max });
      });
      this.onAppend();
    });
  }

  /**
   * Writes the frames and fsyncs. On a failure, the frames already fsynced (in segments closed by a
   * rollover) stay disk entries; the others are cut off the file again and kept in memory.
   */
  private async writeFrames(disk: DiskQueue, batches: readonly (readonly string[])[]): Promise<SpoolEntry[]> {
    const writing: SpoolEntry[] = (this.writing = []);
    let next = 0;
    try {
      if (this.counters.diskWritable === false) disk.reopen();
      for (; next < batches.length; next++) {
        const lines = batches[next];
        // Joined once: the frame is encoded from it and the body cache keeps it for sending.
        const body = lines.join('\n');
        const frame = encodeFrameBody(body, lines.length);
        if (!this.makeRoom(disk, frame.length, lines.length)) continue;
        const at = await disk.write(lines, frame);
        writing.push({ lines: lines.length, bytes: at.bytes, seq: at.seq, offset: at.offset, cached: body });
      }
      await disk.sync();
      if (this.counters.diskWritable === false) this.log.info('spool: the spool directory is writable again', { dir: disk.dir });
      this.counters.diskWritable = true;
    } catch (err) {
      const unsynced = writing.filter((e) => e.seq !== null && e.seq === disk.activeSeq);
      for (const e of unsynced) this.toMemory(e);
      await disk.undoUnsynced(unsynced.length);
      this.diskFailed(err, 'write');
      for (; next < batches.length; next++) writing.push(this.memory.entry(batches[next]));
    }
    this.writing = [];
    return writing;
  }

  private toMemory(e: SpoolEntry): void {
    this.cache.release(e);
    this.memory.adopt(e);
  }

  private diskFailed(err: unknown, during: 'open' | 'write'): void {
    this.counters.diskErrors++;
    this.diskRetryAt = Date.now() + (this.options.diskRetryMs ?? 5000);
    const wasWritable = this.counters.diskWritable !== false;
    this.counters.diskWritable = false;
    this.counters.lastDiskError = describeFsError(err);
    this.counters.lastDiskErrorAtMs = Date.now();
    if (wasWritable) {
      this.log.error(`spool: cannot ${during} the spool directory; keeping batches in memory (up to ${this.memory.max} bytes, then the oldest are dropped) and retrying`, {
        dir: this.options.dir,
        error: this.counters.lastDiskError,
      });
    }
  }

  /** Drops the oldest segments until `frameBytes` fits under max_bytes; false when it never can. */
  private makeRoom(disk: DiskQueue, frameBytes: number, lines: number): boolean {
    if (frameBytes > this.options.maxBytes) {
      this.counters.droppedFull += lines;
      this.log.warn('spool: a batch is larger than spool.max_bytes and was dropped', { points_lost: lines, batch_bytes: frameBytes });
      return false;
    }
    for (let oldest = disk.oldest(); disk.bytes + frameBytes > this.options.maxBytes && oldest !== undefined; oldest = disk.oldest()) {
      this.dropSegment(disk, oldest);
    }
    return true;
  }

  private dropSegment(disk: DiskQueue, seq: number): void {
    let lost = 0;
    let batches = 0;
    for (const list of [this.queue, this.writing]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i];
        if (e.seq !== seq) continue;
        if (e === this.inflight && e.cached !== undefined) {
          // Being sent right now: the attempt in progress may still succeed. If it fails, the
          // delivery loop gives it up (isDetached) and counts what was left of it.
          this.toMemory(e);
          e.detached = true;
          continue;
        }
        lost += e.lines;
        batches++;
        this.cache.release(e);
        list.splice(i, 1);
      }
    }
    disk.drop(seq);
    this.counters.droppedFull += lost;
    this.log.warn(`spool: full (spool.max_bytes=${this.options.maxBytes}); dropped the oldest ${lost} points to make room`, { points_lost: lost, batches });
  }

  head(): SpoolEntry | undefined {
    return this.queue[0];
  }

  after(entry: SpoolEntry): SpoolEntry | undefined {
    const i = this.queue.indexOf(entry);
    return i < 0 ? undefined : this.queue[i + 1];
  }

  /** Pins the body of `entry` in memory until acked; undefined when gone (unreadable: counted and removed). */
  async read(entry: SpoolEntry): Promise<string | undefined> {
    this.inflight = entry;
    if (entry.cached !== undefined) return entry.cached;
    let body: string;
    try {
      body = await this.disk!.read(entry.seq!, entry.offset, entry.bytes);
    } catch (err) {
      if (!this.queue.includes(entry)) return undefined;
      this.counters.diskErrors++;
      this.counters.unreadablePoints += entry.lines;
      this.log.error('spool: cannot read a spooled batch back; its points are lost', { points_lost: entry.lines, error: describeFsError(err) });
      this.ack(entry);
      return undefined;
    }
    if (!this.queue.includes(entry)) return undefined;
    this.cache.keep(entry, body);
    return body;
  }

  ack(entry: SpoolEntry): void {
    const i = this.queue.indexOf(entry);
    if (i < 0) return;
    this.queue.splice(i, 1);
    if (this.inflight === entry) this.inflight = undefined;
    this.cache.release(entry);
    if (entry.seq === null) this.memory.release(entry);
    else this.disk!.ack(entry.seq, entry.offset, entry.bytes, this.counters.diskWritable === false);
  }

  /** The batch being sent lost its place on disk (spool full): it should not be retried. */
  isDetached(entry: SpoolEntry): boolean {
    return entry.detached === true;
  }

  /** Gives up a detached batch; `points` of it were not delivered and are counted as dropped. */
  dropDetached(entry: SpoolEntry, points: number): void {
    this.counters.droppedFull += points;
    this.log.warn(`spool: full (spool.max_bytes=${this.options.maxBytes}); dropped the oldest ${points} points to make room`, { points_lost: points, batches: 1 });
    this.ack(entry);
  }

  private pendingTotals(): { batches: number; points: number; bytes: number; memoryPoints: number } {
    let points = 0;
    let bytes = 0;
    let memoryPoints = 0;
    for (const e of this.queue) {
      points += e.lines;
      if (e.seq !== null) bytes += e.bytes;
      else memoryPoints += e.lines;
    }
    return { batches: this.queue.length, points, bytes, memoryPoints };
  }

  /**
   * `bytes`: spooled on disk and not yet delivered (what an operator asks about); `diskBytes`: the
   * segment files' size, which also holds the delivered start of the segment being written until
   * it is rotated (what max_bytes bounds).
   */
  stats(): SpoolStats & { memoryPoints: number } {
    return { diskBytes: this.disk?.bytes ?? 0, memoryBytes: this.memory.bytes, ...this.pendingTotals() };
  }

  /** Waits for pending writes, closes the segment file. What is not acked stays for the next run. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.serial(async () => {
      await this.disk?.close();
    });
    // Batches that live only in memory do not survive the process: say so and count them.
    const lost = this.queue.filter((e) => e.seq === null);
    if (lost.length === 0) return;
    const points = lost.reduce((n, e) => n + e.lines, 0);
    this.counters.droppedAtShutdown += points;
    for (const e of lost) this.ack(e);
    this.log.warn('spool: points held only in memory are lost at shutdown', { points_lost: points, batches: lost.length });
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.io.then(task);
    this.io = run.catch(() => undefined);
    return run;
  }
}
