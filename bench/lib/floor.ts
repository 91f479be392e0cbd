// The raw-read floor: the least any reader of these kernel files can pay. Descriptors are opened
// once and every round re-reads each file from offset 0 into one reused buffer — no parsing,
// no strings, no encoding. cgflux's cost is compared with this.
import { closeSync, openSync, readSync, constants } from 'node:fs';
import { cpuMicros } from './stats.js';

export class FloorReader {
  private readonly fds: number[] = [];
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);

  constructor(paths: readonly string[]) {
    for (const path of paths) {
      try {
        this.fds.push(openSync(path, constants.O_RDONLY));
      } catch {
        /* a file that vanished is left out, as the sampler would skip it */
      }
    }
  }

  get files(): number {
    return this.fds.length;
  }

  /** Reads every file once; returns the bytes read. */
  round(): number {
    let bytes = 0;
    const fds = this.fds;
    for (let i = 0; i < fds.length; i++) bytes += readSync(fds[i], this.buffer, 0, this.buffer.length, 0);
    return bytes;
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}

export interface FloorResult {
  /** CPU µs of each round (one read of every file). */
  roundMicros: number[];
  /** Files that could be opened and were read each round. */
  files: number;
  /** Bytes read in the last round (so a test can check the reads really happened). */
  bytesLastRound: number;
}

export function floorLoop(paths: readonly string[], rounds: number): FloorResult {
  const reader = new FloorReader(paths);
  const files = reader.files;
  const roundMicros: number[] = [];
  let bytesLastRound = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const start = cpuMicros();
      bytesLastRound = reader.round();
      roundMicros.push(cpuMicros() - start);
    }
  } finally {
    reader.close();
  }
  return { roundMicros, files, bytesLastRound };
}
