// Runs each synthetic size in a fresh child process, its descriptor limit raised first:
// 5,000 containers keep ~20 files each open (100k descriptors), far above the usual 1,024 or
// 20,000. The shell raises the soft limit to the hard one, or higher when allowed (root). Node
// gets the shipped NODE_FLAGS, as the image runs cgflux.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Layout } from './tree.js';
import type { SyntheticChildResult } from './child.js';
import { compileForChildren } from '../lib/compile.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

export const WANTED_FD_LIMIT = 1_048_576;

/** Compiles the child (and the sampler it loads) to JavaScript; returns the child's path. */
export function buildSyntheticChild(): string {
  const outDir = compileForChildren(['bench/synthetic/child.ts']);
  return join(outDir, 'bench', 'synthetic', 'child.js');
}

export interface ChildOptions {
  /** The compiled child (buildSyntheticChild). */
  child: string;
  root: string;
  layout: Layout;
  containers: number;
  ticks: number;
  warmup: number;
  timeoutMs: number;
}

export function runSyntheticChild(o: ChildOptions): Promise<SyntheticChildResult> {
  const script = `ulimit -n ${WANTED_FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  const args = ['-c', script, 'sh', process.execPath, ...NODE_FLAGS, '--expose-gc', o.child, o.root, o.layout, String(o.containers), String(o.ticks), String(o.warmup)];
  return new Promise((resolve, reject) => {
    const child = spawn('sh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(7)) as SyntheticChildResult);
      const why = signal ? `killed by ${signal} (timeout ${o.timeoutMs} ms?)` : `exit code ${code}`;
      reject(new Error(`synthetic ${o.layout} × ${o.containers}: ${why}\n${err.trim().slice(-2000)}`));
    });
  });
}
