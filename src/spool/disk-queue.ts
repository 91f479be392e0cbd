// The files of one spool directory: segments of checksummed frames, the active segment being
// appended to, and the acknowledged position. It knows files and sizes, not which batches are
// queued: the Spool decides what to write, drop and acknowledge.
import { mkdirSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { AckRecorder } from './ack-file.js';
import { encodeFrame, HEADER_BYTES } from './frame.js';
import { listSegments, readSegmentRange, segmentName } from './segment-files.js';
import { describeFsError } from '../errors/fs-error.js';
import type { SpoolCounters } from './spool-counters.js';
import { loadSpoolDir, type LoadedFrame } from './spool-load.js';
import type { Segment } from './spool-types.js';

export class DiskQueue {
  /** The segment files' size, including the delivered start of the active segment. */
  bytes = 0;
  private readonly segments = new Map<number, Segment>();
  private active: { seq: number; handle?: FileHandle } | undefined;
  private nextSeq = 1;
  /** Size of the active segment at its last fsync: a failed append cuts the file back to it. */
  private syncedSize = 0;
  private readonly acks: AckRecorder;

  constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    private readonly counters: SpoolCounters,
    private readonly log: Logger,
    /** Runs file tasks one after the other with the spool's appends. */
    private readonly serial: (task: () => Promise<void>) => Promise<void>,
  ) {
    this.acks = new AckRecorder(dir, serial, (err) => {
      counters.diskErrors++;
      log.warn('spool: cannot record the delivered position (batches may be sent twice after a restart)', { error: describeFsError(err) });
    });
  }

  /** What a previous run left unacknowledged, in order. Throws for I/O errors only. */
  load(): LoadedFrame[] {
    const loaded = loadSpoolDir(this.dir, this.log, this.counters);
    this.nextSeq = loaded.nextSeq;
    for (const [seq, seg] of loaded.segments) {
      this.segments.set(seq, seg);
      this.bytes += seg.size;
    }
    return loaded.frames;
  }

  /** After a failure: the directory may have been recreated or emptied by hand. */
  reopen(): void {
    mkdirSync(this.dir, { recursive: true });
    this.nextSeq = Math.max(this.nextSeq, (listSegments(this.dir).at(-1) ?? 0) + 1);
  }

  get activeSeq(): number | undefined {
    return this.active?.seq;
  }

  /** The oldest segment still on disk. */
  oldest(): number | undefined {
    return this.segments.size === 0 ? undefined : Math.min(...this.segments.keys());
  }

  /** Appends one frame (not yet durable: see sync); rolls over to a new segment when full. */
  async write(lines: readonly string[], frame: Buffer = encodeFrame(lines)): Promise<{ seq: number; offset: number; bytes: number }> {
    if (!this.active || this.segments.get(this.active.seq)!.size + frame.length > this.segmentBytes) await this.rollover();
    const active = this.active!;
    const seg = this.segments.get(active.seq)!;
    active.handle ??= await open(join(this.dir, segmentName(active.seq)), 'a');
    await active.handle.write(frame, 0, frame.length);
    const offset = seg.size;
    seg.size += frame.length;
    seg.pending++;
    this.bytes += frame.length;
    return { seq: active.seq, offset, bytes: frame.length };
  }

  /** Makes every write so far durable. */
  async sync(): Promise<void> {
    await this.active?.handle?.datasync();
    if (this.active) this.syncedSize = this.segments.get(this.active.seq)!.size;
  }

  /** Cuts the `frames` written to the active segment since its last sync off the file again. */
  async undoUnsynced(frames: number): Promise<void> {
    const active = this.active;
    if (!active) return;
    const seg = this.segments.get(active.seq)!;
    seg.pending -= frames;
    this.bytes -= seg.size - this.syncedSize;
    seg.size = this.syncedSize;
    try {
      if (!active.handle) throw new Error('segment file was never opened');
      await active.handle.truncate(seg.size);
    } catch {
      // The torn tail stays (the start-up scan cuts it off); write a fresh segment next time.
      await active.handle?.close().catch(() => undefined);
      this.active = undefined;
      if (seg.pending === 0) this.remove(active.seq);
    }
  }

  async read(seq: number, offset: number, frameBytes: number): Promise<string> {
    const buf = await readSegmentRange(this.dir, seq, offset + HEADER_BYTES, frameBytes - HEADER_BYTES);
    return buf.toString('utf8');
  }

  /** Deletes segment `seq` whatever it holds (the spool is full); closes it first if active. */
  drop(seq: number): void {
    if (this.active?.seq === seq) {
      void this.active.handle?.close();
      this.active = undefined;
    }
    this.remove(seq);
  }

  /**
   * The frame at (seq, offset) was delivered: records the position, deletes its segment once
   * empty (the active one only when the disk is failing, as its space may be what the next write needs).
   */
  ack(seq: number, offset: number, frameBytes: number, diskFailing: boolean): void {
    const seg = this.segments.get(seq)!;
    seg.pending--;
    if (seg.pending === 0 && seq !== this.active?.seq) {
      this.remove(seq);
      this.acks.record({ segment: seq + 1, offset: 0 });
      return;
    }
    this.acks.record({ segment: seq, offset: offset + frameBytes });
    if (seg.pending === 0 && diskFailing) {
      void this.serial(async () => {
        if (this.active?.seq !== seq || this.segments.get(seq)?.pending !== 0) return;
        await this.active.handle?.close().catch(() => undefined);
        this.active = undefined;
        this.remove(seq);
      });
    }
  }

  async close(): Promise<void> {
    await this.active?.handle?.close();
    this.active = undefined;
  }

  private async rollover(): Promise<void> {
    const old = this.active;
    if (old?.handle) {
      await old.handle.datasync();
      await old.handle.close();
    }
    if (old && this.segments.get(old.seq)?.pending === 0) this.remove(old.seq);
    this.active = { seq: this.nextSeq++ };
    this.syncedSize = 0;
    this.segments.set(this.active.seq, { size: 0, pending: 0 });
  }

  private remove(seq: number): void {
    this.bytes -= this.segments.get(seq)?.size ?? 0;
    this.segments.delete(seq);
    try {
      unlinkSync(join(this.dir, segmentName(seq)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.counters.diskErrors++;
        this.log.warn('spool: cannot delete a segment file', { segment: segmentName(seq), error: describeFsError(err) });
      }
    }
  }
}
