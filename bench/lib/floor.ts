// The raw-read floor: the least any reader of these kernel files can pay. Descriptors are opened
// once and every round re-reads each file from offset 0 into one reused buffer — no parsing,
// no strings, no encoding. cgflux's cost is compared with this.
import { closeSync, openSync, readSync, constants } from 'node:fs';
import { cpuMicros } from './stats.js';

export interface FloorResult {
  /** CPU µs of each round (one read of every file). */
  roundMicros: number[];
  /** Files that could be opened and were read each round. */
  files: number;
  /** Bytes read in the last round (so a test can check the reads really happened). */
  bytesLastRound: number;
}

export function floorLoop(paths: readonly string[], rounds: number): FloorResult {
  const fds: number[] = [];
  for (const path of paths) {
    try {
      fds.push(openSync(path, constants.O_RDONLY));
    } catch {
      /* a file that vanished is left out, as the sampler would skip it */
    }
  }
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const roundMicros: number[] = [];
  let bytesLastRound = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const start = cpuMicros();
      let bytes = 0;
      for (let i = 0; i < fds.length; i++) bytes += readSync(fds[i], buffer, 0, buffer.length, 0);
      roundMicros.push(cpuMicros() - start);
      bytesLastRound = bytes;
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return { roundMicros, files: fds.length, bytesLastRound };
}
