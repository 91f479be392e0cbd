// Segment files of one spool directory: naming, listing, and the start-up scan that validates
// every frame and truncates a torn or corrupt tail.
import { closeSync, ftruncateSync, openSync, readdirSync, readSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFrame, HEADER_BYTES } from './frame.js';

const SUFFIX = '.seg';
const DIGITS = 12;

export function segmentName(seq: number): string {
  return String(seq).padStart(DIGITS, '0') + SUFFIX;
}

/** Sequence numbers of the segment files in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  const seqs: number[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(SUFFIX)) continue;
    const seq = Number(name.slice(0, -SUFFIX.length));
    if (Number.isSafeInteger(seq) && seq > 0) seqs.push(seq);
  }
  return seqs.sort((a, b) => a - b);
}

export interface ScannedFrame {
  offset: number;
  frameBytes: number;
  lines: number;
}

export interface SegmentScan {
  frames: ScannedFrame[];
  /** Size after truncation (= end of the last valid frame). */
  size: number;
  /** Bytes cut off the end because they did not form valid frames; 0 when the file was intact. */
  truncatedBytes: number;
  /** Why the scan stopped early, when it did. */
  problem?: string;
}

/**
 * Reads `path` frame by frame; everything from the first invalid frame on is truncated away
 * (a crash mid-append leaves a short frame; bit rot fails the checksum). Never throws for bad
 * content; I/O errors (EACCES, EIO) do propagate.
 */
export function scanSegment(path: string): SegmentScan {
  const fd = openSync(path, 'r+');
  try {
    const fileSize = fstatSync(fd).size;
    const frames: ScannedFrame[] = [];
    let offset = 0;
    let problem: string | undefined;
    while (offset < fileSize) {
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      const got = readSync(fd, header, 0, HEADER_BYTES, offset);
      const payloadBytes = got === HEADER_BYTES ? header.readUInt32LE(4) : 0;
      const want = Math.min(HEADER_BYTES + payloadBytes, fileSize - offset);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, offset);
      const check = checkFrame(buf.subarray(0, n), 0);
      if (!check.ok) {
        problem = `${check.reason} at byte ${offset}`;
        break;
      }
      frames.push({ offset, frameBytes: check.frameBytes, lines: check.lines });
      offset += check.frameBytes;
    }
    const truncatedBytes = fileSize - offset;
    if (truncatedBytes > 0) ftruncateSync(fd, offset);
    return { frames, size: offset, truncatedBytes, problem };
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `position` of a segment. */
export async function readSegmentRange(dir: string, seq: number, position: number, length: number): Promise<Buffer> {
  const handle = await open(join(dir, segmentName(seq)), 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw new Error(`segment ${segmentName(seq)} is shorter than expected`);
      done += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}
