// The kernel's floor without Node: the same files read with pread from a C loop (c/pread-floor.c),
// built with the system's `cc` for each run. Node's readSync adds its own cost per call; this
// says what is left when nothing but the syscall runs. Skipped, with a note, where there is no cc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const SOURCE = fileURLToPath(new URL('./c/pread-floor.c', import.meta.url));

export type CompiledFloor = { files: number; roundMicros: number[] } | { skipped: string };

export function compiledFloor(paths: readonly string[], rounds: number): CompiledFloor {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-floor-'));
  try {
    const exe = join(dir, 'pread-floor');
    try {
      execFileSync('cc', ['-O2', '-o', exe, SOURCE], { stdio: 'pipe' });
    } catch (err) {
      return { skipped: `no compiled floor: cc failed or is missing (${(err as Error).message.split('\n')[0]})` };
    }
    const out = execFileSync(exe, [String(rounds)], { input: paths.join('\n') + '\n', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const [head, ...lines] = out.trim().split('\n');
    return { files: Number(head.split(' ')[1]), roundMicros: lines.map(Number) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median CPU of one round, µs, or undefined when skipped. */
export function compiledFloorMedian(f: CompiledFloor): number | undefined {
  return 'skipped' in f ? undefined : median(f.roundMicros);
}
