import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostReader } from '../../src/sampler/host.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { V1_ROOT, errorList } from './support/fixture-trees.js';

const KIB = 1024n;

function reader(procRoot: string): { host: HostReader; errors: ReadErrors } {
  const errors = new ReadErrors();
  return { host: new HostReader(procRoot, new KeptFiles(errors), errors), errors };
}

describe('HostReader', () => {
  test('snapshot: docker-compatible CPU sum (user…softirq), online CPUs, memory and swap totals', () => {
    const { host } = reader(`${V1_ROOT}/proc`);
    const { snapshot, rows } = host.read(false);
    assert.deepEqual(rows, []);
    // 123456+789+45678+9876543+2345+0+678 ticks × 10 ms
    assert.deepEqual(snapshot, { cpuTotalNs: 100494890000000, cpuTotalNsExact: 100494890000000n, onlineCpus: 8, memTotalBytes: 16303340 * 1024, swapTotalBytes: 2097148 * 1024 });
  });

  test('host_cpu and host_mem rows', () => {
    const { host, errors } = reader(`${V1_ROOT}/proc`);
    const { rows } = host.read(true);
    assert.deepEqual(rows[0], {
      measurement: 'host_cpu',
      fields: {
        user: 1234560000000n, nice: 7890000000n, system: 456780000000n, idle: 98765430000000n, iowait: 23450000000n,
        irq: 0n, softirq: 6780000000n, steal: 900000000n, usage_total: 1706910000000n, online_cpus: 8n,
      },
    });
    const total = 16303340n * KIB;
    const available = 10420028n * KIB;
    assert.deepEqual(rows[1], {
      measurement: 'host_mem',
      fields: {
        total, available, free: 1894312n * KIB, used: total - available, buffers: 412764n * KIB, cached: 7822352n * KIB,
        swap_total: 2097148n * KIB, swap_free: 2097148n * KIB, used_percent: (Number(total - available) / Number(total)) * 100,
      },
    });
    assert.deepEqual(errorList(errors), []);
  });

  test('usage_percent from the second read: Δbusy / Δall × 100', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-host-'));
    try {
      writeFileSync(join(dir, 'stat'), 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\n');
      writeFileSync(join(dir, 'meminfo'), 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 100 kB\nCached: 300 kB\n');
      const { host } = reader(dir);
      assert.equal('usage_percent' in host.read(true).rows[0].fields, false);
      writeFileSync(join(dir, 'stat'), 'cpu  130 0 100 870 0 0 0 0 0 0\ncpu0 130 0 100 870 0 0 0 0 0 0\n');
      const rows = host.read(true).rows;
      assert.equal(rows[0].fields.usage_percent, 30);
      // No MemAvailable (before Linux 3.14): free + buffers + cached.
      assert.deepEqual(rows[1].fields, { total: 1024000n, available: 512000n, free: 102400n, used: 512000n, buffers: 102400n, cached: 307200n, used_percent: 50 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('unreadable or garbled files: an empty snapshot, no rows, counted — never a throw', () => {
    const { host, errors } = reader('/nonexistent/proc');
    assert.deepEqual(host.read(true), { snapshot: { cpuTotalNs: 0, onlineCpus: 0, memTotalBytes: 0 }, rows: [] });
    assert.deepEqual(errorList(errors), [['host', 'missing', 2]]);
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-host-'));
    try {
      writeFileSync(join(dir, 'stat'), 'cpu  1 2');
      writeFileSync(join(dir, 'meminfo'), '');
      const bad = reader(dir);
      assert.deepEqual(bad.host.read(true).rows, []);
      assert.deepEqual(errorList(bad.errors), [['host', 'empty', 1], ['host', 'malformed', 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the real /proc: online CPUs agree with the machine', async () => {
    const { cpus } = await import('node:os');
    const { snapshot, rows } = reader('/proc').host.read(true);
    assert.equal(snapshot.onlineCpus, cpus().length);
    assert.equal(rows.length, 2);
  });
});
