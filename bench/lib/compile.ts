// The synthetic children run cgflux as operators do: plain JavaScript emitted by tsc, not through
// tsx (whose loader and esbuild service add ~60 MB of RSS that the daemon never has). Emitted once
// per run into node_modules/.cache (ignored by git), with a package.json that keeps it ESM.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Emits `entries` (repo-relative .ts paths) and what they import; returns the output directory. */
export function compileForChildren(entries: readonly string[]): string {
  const outDir = join(REPO_ROOT, 'node_modules', '.cache', 'cgflux-bench');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const flags = ['--outDir', outDir, '--rootDir', REPO_ROOT, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022'];
  flags.push('--skipLibCheck', '--noCheck', '--types', 'node', '--sourceMap', 'false', '--declaration', 'false');
  execFileSync(process.execPath, [tsc, ...flags, ...entries.map((e) => join(REPO_ROOT, e))], { cwd: REPO_ROOT, stdio: 'pipe' });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  return outDir;
}
