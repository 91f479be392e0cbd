// Small shell stand-ins for native/switches' helper: they speak its protocol (or fail as a real
// one can) so the fallback decisions are tested without root or BPF.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/log.js';

export function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    child: () => log,
  };
  return { log, lines };
}

export const ID = 'ab'.repeat(32);
export const SETUP = 'mkfifo "$1/cmd" "$1/reply"; exec 3<>"$1/cmd" 4<>"$1/reply"; echo ready';

export function fakeHelper(body: string): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-fake-helper-'));
  const path = join(dir, 'helper');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
