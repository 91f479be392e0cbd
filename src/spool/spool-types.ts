// The shapes the spool hands out and is configured with.
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
  cached?: string[];
  /** Whether `cached` counts against the cache bound (disk entries only). */
  cacheCounted?: boolean;
  /** Its segment was dropped for room while it was being sent. */
  detached?: boolean;
}

export interface Segment {
  size: number;
  /** Frames in it not yet acknowledged. */
  pending: number;
}
