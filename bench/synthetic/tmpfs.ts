// Where the synthetic tree lives: a private tmpfs mounted under /tmp/cgflux-bench (as root), so the
// reads cost what an in-memory kernel file costs and nothing touches the disk; /dev/shm otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchDir {
  path: string;
  kind: 'tmpfs mount' | '/dev/shm';
  cleanup(): void;
}

export function makeBenchDir(): BenchDir {
  const mountPoint = join('/tmp/cgflux-bench', String(process.pid));
  if (process.getuid?.() === 0) {
    try {
      mkdirSync(mountPoint, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2g,nr_inodes=2m,mode=0755', 'cgflux-bench', mountPoint], { stdio: 'pipe' });
      return {
        path: mountPoint,
        kind: 'tmpfs mount',
        cleanup() {
          try {
            execFileSync('umount', [mountPoint], { stdio: 'pipe' });
          } catch {
            execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
          }
          rmSync(mountPoint, { recursive: true, force: true });
          try {
            rmdirSync('/tmp/cgflux-bench'); // only when no other run is using it
          } catch {
            /* another run's mount is still there */
          }
        },
      };
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  }
  const shm = join('/dev/shm', `cgflux-bench-${process.pid}`);
  mkdirSync(shm, { recursive: true });
  return { path: shm, kind: '/dev/shm', cleanup: () => rmSync(shm, { recursive: true, force: true }) };
}
