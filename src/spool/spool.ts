// A durable, bounded, ordered queue of batches for one output.
// append() writes each batch as a checksummed frame to the current segment file and fsyncs
// before the batch becomes visible to the sender; ack() removes the oldest batch once the server
// accepted it, persists the acknowledged position and deletes segments that are fully acked.
// open() replays what was appended but never acked, in order. Failures of the disk never stop
// sampling: the batch is kept in memory (bounded) and the error is counted and logged.
import { mkdirSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Segment, SpoolEntry, SpoolOptions } from './spool-types.js';

export type { SpoolEntry, SpoolOptions } from './spool-types.js';
import { splitLines } from '../encode/split-lines.js';
import { AckRecorder } from './ack-file.js';
import { loadSpoolDir } from './spool-load.js';
import { encodeFrame, HEADER_BYTES } from './frame.js';
import { listSegments, readSegmentRange, segmentName } from './segment-files.js';
import { describeFsError } from '../errors/fs-error.js';
import { SpoolCounters } from './spool-counters.js';

const CACHE_BYTES = 16 * 1024 * 1024;

export class Spool {
  readonly counters = new SpoolCounters();
  /** Called after batches were appended (the output's delivery loop wakes up). */
  onAppend: () => void = () => {};

  private readonly queue: SpoolEntry[] = [];
  private readonly segments = new Map<number, Segment>();
  private active: { seq: number; handle?: FileHandle } | undefined;
  private nextSeq = 1;
  private inflight: SpoolEntry | undefined;
  private acks: AckRecorder | undefined;
  private io: Promise<void> = Promise.resolve();
  private cachedBytes = 0;
  private diskBytes = 0;
  private memoryBytes = 0;
  private diskRetryAt = 0;
  /** Size of the active segment at its last fsync: a failed append cuts the file back to it. */
  private activeSyncedSize = 0;
  /** Entries of the append in progress (not yet queued), so dropping a segment sees them too. */
  private writing: SpoolEntry[] = [];
  private closed = false;
  private readonly memoryMax: number;
  private readonly log: Logger;

  private constructor(private readonly options: SpoolOptions) {
    this.log = options.log;
    this.memoryMax = options.dir === null ? options.maxBytes : (options.memoryMaxBytes ?? Math.min(options.maxBytes, 64 * 1024 * 1024));
  }

  /** Opens (creating) the spool and loads what a previous run left unacknowledged. Never throws. */
  static open(options: SpoolOptions): Spool {
    const spool = new Spool(options);
    if (options.dir !== null) {
      spool.acks = new AckRecorder(options.dir, (task) => spool.serial(task), (err) => spool.ackFailed(err));
      spool.load(options.dir);
    }
    return spool;
  }

  private load(dir: string): void {
    try {
      const loaded = loadSpoolDir(dir, this.log, this.counters);
      this.nextSeq = loaded.nextSeq;
      for (const [seq, seg] of loaded.segments) {
        this.segments.set(seq, seg);
        this.diskBytes += seg.size;
      }
      for (const f of loaded.frames) this.queue.push({ lines: f.lines, bytes: f.bytes, seq: f.seq, offset: f.offset });
      const { batches, points } = this.pendingTotals();
      if (batches > 0) this.log.info('spool: replaying batches a previous run did not deliver', { dir, batches, points });
    } catch (err) {
      this.diskFailed(err, 'open');
    }
  }

  /** Appends batches (each a non-empty array of complete lines); durable when the promise resolves. */
  append(batches: readonly (readonly string[])[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    const nonEmpty = batches.filter((b) => b.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    return this.serial(async () => {
      const dir = this.options.dir;
      const entries = dir !== null && Date.now() >= this.diskRetryAt ? await this.writeFrames(dir, nonEmpty) : nonEmpty.map((l) => this.memoryEntry(l));
      for (const e of entries) this.enqueue(e);
      this.enforceMemoryBound();
      this.onAppend();
    });
  }

  private memoryEntry(lines: readonly string[]): SpoolEntry {
    const bytes = Buffer.byteLength(lines.join('\n'));
    this.memoryBytes += bytes;
    return { lines: lines.length, bytes, seq: null, offset: 0, cached: [...lines] };
  }

  private enqueue(entry: SpoolEntry): void {
    if (entry.cached && entry.seq !== null) {
      if (this.cachedBytes + entry.bytes <= CACHE_BYTES) this.cacheLines(entry, entry.cached);
      else entry.cached = undefined;
    }
    this.queue.push(entry);
  }

  private cacheLines(e: SpoolEntry, lines: string[]): void {
    e.cached = lines;
    if (e.seq !== null && !e.cacheCounted) {
      e.cacheCounted = true;
      this.cachedBytes += e.bytes;
    }
  }

  private uncache(e: SpoolEntry): void {
    if (e.cacheCounted) this.cachedBytes -= e.bytes;
    e.cacheCounted = false;
  }

  /** A disk entry whose frame is gone (or never became durable) carries on in memory. */
  private toMemory(e: SpoolEntry): void {
    this.uncache(e);
    e.seq = null;
    this.memoryBytes += e.bytes;
  }

  /**
   * Writes the frames and fsyncs. On a failure, the frames already fsynced (in segments closed by a
   * rollover) stay disk entries; the others are cut off the file again and kept in memory.
   */
  private async writeFrames(dir: string, batches: readonly (readonly string[])[]): Promise<SpoolEntry[]> {
    const writing: SpoolEntry[] = (this.writing = []);
    let next = 0;
    try {
      if (this.counters.diskWritable === false) {
        mkdirSync(dir, { recursive: true });
        this.nextSeq = Math.max(this.nextSeq, (listSegments(dir).at(-1) ?? 0) + 1);
      }
      for (; next < batches.length; next++) {
        const lines = batches[next];
        const frame = encodeFrame(lines);
        if (!this.makeRoom(dir, frame.length, lines.length)) continue;
        if (!this.active || this.segments.get(this.active.seq)!.size + frame.length > this.options.segmentBytes) await this.rollover(dir);
        const active = this.active!;
        const seg = this.segments.get(active.seq)!;
        active.handle ??= await open(join(dir, segmentName(active.seq)), 'a');
        await active.handle.write(frame, 0, frame.length);
        writing.push({ lines: lines.length, bytes: frame.length, seq: active.seq, offset: seg.size, cached: [...lines] });
        seg.size += frame.length;
        seg.pending++;
        this.diskBytes += frame.length;
      }
      await this.active?.handle?.datasync();
      if (this.active) this.activeSyncedSize = this.segments.get(this.active.seq)!.size;
      if (this.counters.diskWritable === false) this.log.info('spool: the spool directory is writable again', { dir });
      this.counters.diskWritable = true;
    } catch (err) {
      await this.undoUnsynced(writing);
      this.diskFailed(err, 'write');
      for (; next < batches.length; next++) writing.push(this.memoryEntry(batches[next]));
    }
    this.writing = [];
    return writing;
  }

  /** Moves the not-yet-durable frames of the active segment to memory and cuts them off the file. */
  private async undoUnsynced(writing: SpoolEntry[]): Promise<void> {
    const active = this.active;
    if (!active) return;
    const seg = this.segments.get(active.seq)!;
    for (const e of writing) {
      if (e.seq !== active.seq) continue;
      seg.pending--;
      this.toMemory(e);
    }
    this.diskBytes -= seg.size - this.activeSyncedSize;
    seg.size = this.activeSyncedSize;
    try {
      if (!active.handle) throw new Error('segment file was never opened');
      await active.handle.truncate(seg.size);
    } catch {
      // The torn tail stays (the start-up scan cuts it off); write a fresh segment next time.
      await active.handle?.close().catch(() => undefined);
      this.active = undefined;
      if (seg.pending === 0) this.removeSegment(this.options.dir!, active.seq);
    }
  }

  private diskFailed(err: unknown, during: 'open' | 'write'): void {
    this.counters.diskErrors++;
    this.diskRetryAt = Date.now() + (this.options.diskRetryMs ?? 5000);
    const wasWritable = this.counters.diskWritable !== false;
    this.counters.diskWritable = false;
    this.counters.lastDiskError = describeFsError(err);
    this.counters.lastDiskErrorAtMs = Date.now();
    if (wasWritable) {
      this.log.error(`spool: cannot ${during} the spool directory; keeping batches in memory (up to ${this.memoryMax} bytes, then the oldest are dropped) and retrying`, {
        dir: this.options.dir,
        error: this.counters.lastDiskError,
      });
    }
  }

  /** Drops the oldest segments until `frameBytes` fits under max_bytes; false when it never can. */
  private makeRoom(dir: string, frameBytes: number, lines: number): boolean {
    if (frameBytes > this.options.maxBytes) {
      this.counters.droppedFull += lines;
      this.log.warn('spool: a batch is larger than spool.max_bytes and was dropped', { points_lost: lines, batch_bytes: frameBytes });
      return false;
    }
    while (this.diskBytes + frameBytes > this.options.maxBytes && this.segments.size > 0) {
      const oldest = Math.min(...this.segments.keys());
      if (this.active?.seq === oldest) {
        // Only the segment being written is left: close it so it can go.
        void this.active.handle?.close();
        this.active = undefined;
      }
      this.dropSegment(dir, oldest);
    }
    return true;
  }

  private dropSegment(dir: string, seq: number): void {
    let lost = 0;
    let batches = 0;
    for (const list of [this.queue, this.writing]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i];
        if (e.seq !== seq) continue;
        if (e === this.inflight && e.cached) {
          // Being sent right now: the attempt in progress may still succeed. If it fails, the
          // delivery loop gives it up (isDetached) and counts what was left of it.
          this.toMemory(e);
          e.detached = true;
          continue;
        }
        lost += e.lines;
        batches++;
        this.uncache(e);
        list.splice(i, 1);
      }
    }
    this.removeSegment(dir, seq);
    this.counters.droppedFull += lost;
    this.log.warn(`spool: full (spool.max_bytes=${this.options.maxBytes}); dropped the oldest ${lost} points to make room`, { points_lost: lost, batches });
  }

  private enforceMemoryBound(): void {
    for (let i = 0; this.memoryBytes > this.memoryMax && i < this.queue.length; ) {
      const e = this.queue[i];
      if (e.seq !== null || e === this.inflight) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.memoryBytes -= e.bytes;
      if (this.options.dir === null) this.counters.droppedFull += e.lines;
      else this.counters.droppedUnwritable += e.lines;
      this.log.warn('spool: memory bound reached; dropped the oldest points', { points_lost: e.lines, bound_bytes: this.memoryMax });
    }
  }

  private async rollover(dir: string): Promise<void> {
    const old = this.active;
    if (old?.handle) {
      await old.handle.datasync();
      await old.handle.close();
    }
    if (old && this.segments.get(old.seq)?.pending === 0) this.removeSegment(dir, old.seq);
    this.active = { seq: this.nextSeq++ };
    this.activeSyncedSize = 0;
    this.segments.set(this.active.seq, { size: 0, pending: 0 });
  }

  private removeSegment(dir: string, seq: number): void {
    this.diskBytes -= this.segments.get(seq)?.size ?? 0;
    this.segments.delete(seq);
    try {
      unlinkSync(join(dir, segmentName(seq)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.counters.diskErrors++;
        this.log.warn('spool: cannot delete a segment file', { segment: segmentName(seq), error: describeFsError(err) });
      }
    }
  }

  /** The oldest batch not yet acknowledged. */
  head(): SpoolEntry | undefined {
    return this.queue[0];
  }

  /**
   * The lines of `entry`, pinned in memory until acked; undefined when the batch is gone (dropped
   * for room while being read, or unreadable: counted as corrupt and removed).
   */
  async read(entry: SpoolEntry): Promise<string[] | undefined> {
    this.inflight = entry;
    if (entry.cached) return entry.cached;
    let lines: string[] | undefined;
    try {
      const buf = await readSegmentRange(this.options.dir!, entry.seq!, entry.offset + HEADER_BYTES, entry.bytes - HEADER_BYTES);
      lines = splitLines(buf.toString('utf8'));
    } catch (err) {
      if (!this.queue.includes(entry)) return undefined;
      this.counters.diskErrors++;
      this.counters.unreadablePoints += entry.lines;
      this.log.error('spool: cannot read a spooled batch back; its points are lost', { points_lost: entry.lines, error: describeFsError(err) });
      this.ack(entry);
      return undefined;
    }
    if (!this.queue.includes(entry)) return undefined;
    this.cacheLines(entry, lines);
    return lines;
  }

  /** Removes `entry` (the head) after the server accepted it (or rejected it for good). */
  ack(entry: SpoolEntry): void {
    const i = this.queue.indexOf(entry);
    if (i < 0) return;
    this.queue.splice(i, 1);
    if (this.inflight === entry) this.inflight = undefined;
    this.uncache(entry);
    if (entry.seq === null) {
      this.memoryBytes -= entry.bytes;
      return;
    }
    const dir = this.options.dir!;
    const seg = this.segments.get(entry.seq)!;
    seg.pending--;
    // A delivered segment goes at once, unless it is still being written; that one too when the
    // disk is failing, as its space may be what the next write needs.
    const seq = entry.seq;
    if (seg.pending === 0 && seq !== this.active?.seq) {
      this.removeSegment(dir, seq);
      this.acks?.record({ segment: seq + 1, offset: 0 });
      return;
    }
    this.acks?.record({ segment: seq, offset: entry.offset + entry.bytes });
    if (seg.pending === 0 && this.counters.diskWritable === false) {
      void this.serial(async () => {
        if (this.active?.seq !== seq || this.segments.get(seq)?.pending !== 0) return;
        await this.active.handle?.close().catch(() => undefined);
        this.active = undefined;
        this.removeSegment(dir, seq);
      });
    }
  }

  private ackFailed(err: unknown): void {
    this.counters.diskErrors++;
    this.log.warn('spool: cannot record the delivered position (batches may be sent twice after a restart)', { error: describeFsError(err) });
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

  private pendingTotals(): { batches: number; points: number; bytes: number } {
    let points = 0;
    let bytes = 0;
    for (const e of this.queue) {
      points += e.lines;
      if (e.seq !== null) bytes += e.bytes;
    }
    return { batches: this.queue.length, points, bytes };
  }

  /**
   * `bytes`: spooled on disk and not yet delivered (what an operator asks about); `diskBytes`: the
   * segment files' size, which also holds the delivered start of the segment being written until
   * it is rotated (what max_bytes bounds).
   */
  stats(): { bytes: number; diskBytes: number; memoryBytes: number; batches: number; points: number } {
    return { diskBytes: this.diskBytes, memoryBytes: this.memoryBytes, ...this.pendingTotals() };
  }

  /** Waits for pending writes, closes the segment file. What is not acked stays for the next run. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.serial(async () => {
      await this.active?.handle?.close();
      this.active = undefined;
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
