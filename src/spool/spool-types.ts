// The shapes the spool hands out and is configured with, and the one interface of a spool.
import type { Logger } from '../log.js';

export interface SpoolOptions {
  /** This output's spool directory; null keeps batches in memory only (stdout and file outputs). */
  dir: string | null;
  /** Bound of the segment files (or, without a dir, of the batches in memory). */
  maxBytes: number;
  segmentBytes: number;
  /** Bound of the batches kept in memory while the directory cannot be written. */
  memoryMaxBytes?: number;
  /** After a disk failure, the next write attempt waits at least this long, ms. */
  diskRetryMs?: number;
  log: Logger;
}

export interface SpoolEntry {
  readonly lines: number;
  /** Frame bytes on disk, or payload bytes for a memory-only batch. */
  readonly bytes: number;
  /** Segment holding the frame; null when the batch lives only in memory. */
  seq: number | null;
  readonly offset: number;
  /** The batch's body (its lines joined by '\n') when held in memory. */
  cached?: string;
  /** Whether `cached` counts against the cache bound (disk entries only). */
  cacheCounted?: boolean;
  /** Its segment was dropped for room while it was being sent. */
  detached?: boolean;
}

export interface SpoolStats {
  /** Spooled on disk and not yet delivered. */
  bytes: number;
  /** The segment files' size (what max_bytes bounds). */
  diskBytes: number;
  memoryBytes: number;
  batches: number;
  points: number;
}

/**
 * An ordered queue of batches. A batch goes in as lines and comes out as one body (the lines
 * joined by '\n'): the spool never needs to know where a line ends.
 */
export interface BatchQueue {
  /** Appends batches (each a non-empty array of complete lines); durable when the promise resolves. */
  append(batches: readonly (readonly string[])[]): Promise<void>;
  /** The oldest batch not yet acknowledged. */
  head(): SpoolEntry | undefined;
  /** The batch after `entry`, if any. */
  after(entry: SpoolEntry): SpoolEntry | undefined;
  /** The body of `entry`; undefined when the batch is gone (dropped for room, or unreadable). */
  read(entry: SpoolEntry): Promise<string | undefined>;
  /** Removes `entry` after the server accepted it (or rejected it for good). */
  ack(entry: SpoolEntry): void;
  stats(): SpoolStats;
  close(): Promise<void>;
}

export interface Segment {
  size: number;
  /** Frames in it not yet acknowledged. */
  pending: number;
}
