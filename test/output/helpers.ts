// Shared set-up of the output tests: configs with short retry timings, a spool dir per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfluxV1Output, InfluxV2Output, SpoolConfig } from '../../src/config/schema.js';
import { splitLines } from '../../src/encode/split-lines.js';
import { LINE_REASONS } from '../../src/output/line-rejections.js';
import type { OutputStats } from '../../src/output/stats.js';
import type { RecordedRequest } from '../support/servers.js';

export function v2Config(url: string, over: Partial<InfluxV2Output> = {}): InfluxV2Output {
  return {
    type: 'influxdb_v2',
    name: 'test_v2',
    url,
    token: 'secret-token',
    org: 'org',
    bucket: 'bucket',
    precision: 'ms',
    batch: { max_lines: 1000, max_bytes: 1_000_000, flush_interval_ms: 20 },
    retry: { initial_ms: 20, max_ms: 200 },
    timeout_ms: 2000,
    gzip: false,
    ...over,
  };
}

export function v1Config(url: string, over: Partial<InfluxV1Output> = {}): InfluxV1Output {
  return {
    type: 'influxdb_v1',
    name: 'test_v1',
    url,
    database: 'db',
    retention_policy: '',
    username: '',
    password: '',
    precision: 'ms',
    create_database: false,
    batch: { max_lines: 1000, max_bytes: 1_000_000, flush_interval_ms: 20 },
    retry: { initial_ms: 20, max_ms: 200 },
    timeout_ms: 2000,
    gzip: false,
    ...over,
  };
}

export function tempSpool(over: Partial<SpoolConfig> = {}): SpoolConfig & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-out-'));
  return { dir, max_bytes: 64 << 20, segment_bytes: 1 << 20, ...over, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lines of the requests the server accepted (status < 300 by `accepted`). */
export function linesOf(requests: RecordedRequest[], accepted: (r: RecordedRequest, i: number) => boolean = () => true): string[] {
  return requests.flatMap((r, i) => (r.method === 'POST' && r.url.includes('write') && accepted(r, i) ? splitLines(r.body) : []));
}

export function points(n: number, tag = 't', start = 0): string[] {
  return Array.from({ length: n }, (_, i) => `m,k=${tag} v=${start + i}i`);
}

export async function waitFor(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Points the server rejected, whatever the reason. */
export function linesDropped(s: OutputStats): number {
  return LINE_REASONS.reduce((n, r) => n + s.pointsDropped[r], 0);
}
