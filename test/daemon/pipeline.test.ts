import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultOutput } from '../../src/config/outputs.js';
import { defaultConfig } from '../../src/config/schema.js';
import { Pipeline } from '../../src/daemon/pipeline.js';
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
