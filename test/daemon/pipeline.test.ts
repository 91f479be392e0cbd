import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultOutput } from '../../src/config/outputs.js';
import { defaultConfig } from '../../src/config/schema.js';
import { Pipeline, TICK_LINES_PER_HANDOFF } from '../../src/daemon/pipeline.js';
import type { Output } from '../../src/output/index.js';
import { captureLog } from '../spool/log-capture.js';

describe('pipeline close', () => {
  test('points held only in memory are not reported as staying in the spool: they are dropped and counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-pipeline-'));
    try {
      // A file output (no disk spool) whose file cannot be opened: its batches wait in memory.
      const out = { ...defaultOutput('file', 'f'), path: join(dir, 'missing-dir', 'out.lp'), retry: { initial_ms: 10, max_ms: 50 }, batch: { max_lines: 10, max_bytes: 1 << 20, flush_interval_ms: 10 } };
      const config = { ...defaultConfig('h'), docker: { ...defaultConfig('h').docker, socket: join(dir, 'no-docker.sock') }, spool: { ...defaultConfig('h').spool, dir: join(dir, 'spool') }, outputs: [out] };
      const pipeline = new Pipeline(config, captureLog(), config.outputs);
      pipeline.outputs[0].writeLines(Array.from({ length: 25 }, (_, i) => `m v=${i}i ${i}`));
      const left = await pipeline.close(Date.now() + 200);
      assert.equal(left, 0, 'nothing stays for the next start');
      assert.equal(pipeline.outputs[0].stats().pointsDropped.shutdown, 25, 'counted as lost at shutdown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pipeline tick', () => {
  test(`lines reach the outputs in hand-offs of at most ${TICK_LINES_PER_HANDOFF}, as they are encoded, every line once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-pipeline-'));
    try {
      const base = defaultConfig('h');
      // Containers without a process: one status row each, no kernel file read.
      const config = { ...base, docker: { ...base.docker, socket: join(dir, 'no-docker.sock') }, self_metrics: { ...base.self_metrics, enabled: false }, outputs: [] };
      const pipeline = new Pipeline(config, captureLog(), []);
      const count = 2 * TICK_LINES_PER_HANDOFF + 7;
      const containers = Array.from({ length: count }, (_, i) => ({
        id: i.toString(16).padStart(64, '0'), name: `c${i}`, image: 'busybox', imageTag: 'latest', labels: {}, state: 'exited' as const,
        pid: 0, restartCount: 0, oomKilled: false, exitCode: 0,
      }));
      (pipeline.registry as unknown as { containers: () => unknown[] }).containers = () => containers;
      const handOffs: number[] = [];
      const seen = new Set<string>();
      pipeline.outputs.push({ write: (b: string[]) => { handOffs.push(b.length); for (const l of b) seen.add(l); } } as unknown as Output);
      const points = pipeline.tick(Date.now());
      const statusLines = [...seen].filter((l) => l.startsWith('docker_container_status,')).length;
      assert.equal(statusLines, count, 'every container once');
      assert.equal(points, handOffs.reduce((a, b) => a + b, 0));
      assert.ok(handOffs.length >= 3, `hand-offs: ${handOffs.join(', ')}`);
      assert.ok(handOffs.every((n) => n <= TICK_LINES_PER_HANDOFF), `hand-offs: ${handOffs.join(', ')}`);
      pipeline.outputs.pop();
      await pipeline.close(Date.now());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pipeline events', () => {
  test("Docker's oom event tells the sampler which container, and no other event does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-pipeline-'));
    try {
      const base = defaultConfig('h');
      const config = { ...base, docker: { ...base.docker, socket: join(dir, 'no-docker.sock') }, self_metrics: { ...base.self_metrics, enabled: false }, outputs: [] };
      const pipeline = new Pipeline(config, captureLog(), []);
      const told: string[] = [];
      pipeline.sampler.oomReported = (id: string) => void told.push(id);
      const event = (action: string, id: string) => pipeline.registry.emit('event', { time: 1, action, id, name: id.slice(0, 4) });
      event('oom', 'a'.repeat(64));
      event('kill', 'b'.repeat(64));
      event('die', 'c'.repeat(64));
      assert.deepEqual(told, ['a'.repeat(64)]);
      await pipeline.close(Date.now() + 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
