// Start-up of a spool directory: what a previous run appended and never got acknowledged, in
// order, with torn or corrupt tails cut off and fully acknowledged segments removed.
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { readAck, type AckPosition } from './ack-file.js';
import { listSegments, scanSegment, segmentName } from './segment-files.js';
import type { SpoolCounters } from './spool-counters.js';

export interface LoadedFrame {
  seq: number;
  offset: number;
  bytes: number;
  lines: number;
}

export interface LoadedSpool {
  frames: LoadedFrame[];
  /** seq → { size, pending frames } of the segments that still hold unacknowledged frames. */
  segments: Map<number, { size: number; pending: number }>;
  nextSeq: number;
  ackPos?: AckPosition;
}

/** Throws only for I/O errors (permissions, EIO); bad content is cut off, counted and logged. */
export function loadSpoolDir(dir: string, log: Logger, counters: SpoolCounters): LoadedSpool {
  mkdirSync(dir, { recursive: true });
  const ackPos = readAck(dir);
  const seqs = listSegments(dir);
  const loaded: LoadedSpool = { frames: [], segments: new Map(), nextSeq: (seqs.at(-1) ?? 0) + 1, ackPos };
  for (const seq of seqs) {
    const path = join(dir, segmentName(seq));
    if (ackPos && seq < ackPos.segment) {
      unlinkSync(path);
      continue;
    }
    const scan = scanSegment(path);
    if (scan.truncatedBytes > 0) {
      counters.corruptBytes += scan.truncatedBytes;
      counters.corruptSegments++;
      log.warn('spool: cut a torn or corrupt tail off a segment (a crash during a write leaves one); the frames before it are kept', {
        segment: path,
        problem: scan.problem,
        bytes_cut: scan.truncatedBytes,
      });
    }
    const skipBelow = ackPos && seq === ackPos.segment ? ackPos.offset : 0;
    let pending = 0;
    for (const f of scan.frames) {
      if (f.offset < skipBelow) continue;
      loaded.frames.push({ seq, offset: f.offset, bytes: f.frameBytes, lines: f.lines });
      pending++;
    }
    if (pending === 0) unlinkSync(path);
    else loaded.segments.set(seq, { size: scan.size, pending });
  }
  return loaded;
}
