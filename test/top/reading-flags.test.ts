import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readingFromRows } from '../../src/top/reading.js';
import { parseTopFlags } from '../../src/top/flags.js';
import type { ContainerInfo } from '../../src/model.js';

const c = { id: 'abc', name: 'web', labels: { a: 'b' } } as unknown as ContainerInfo;

test('a reading takes the total rows of each measurement; what no row carried stays absent', () => {
  const r = readingFromRows(c, [
    { measurement: 'docker_container_cpu', tags: { cpu: 'cpu0' }, fields: { usage_percent: 99 } },
    { measurement: 'docker_container_cpu', tags: { cpu: 'cpu-total' }, fields: { usage_percent: 12.5, usage_percent_of_limit: 25 } },
    { measurement: 'docker_container_mem', fields: { usage: 100n, pgfault: 7n } },
    { measurement: 'docker_container_net', tags: { network: 'eth0' }, fields: { rx_bytes: 1n, tx_bytes: 2n } },
    { measurement: 'docker_container_net', tags: { network: 'total' }, fields: { rx_bytes: 10n, tx_bytes: 20n } },
    { measurement: 'docker_container_blkio', tags: { device: 'total' }, fields: { io_service_bytes_recursive_read: 5n, io_service_bytes_recursive_write: 6n } },
    { measurement: 'docker_container_context_switches', tags: { method: 'kernel' }, fields: { voluntary: 3n, involuntary: 4n } },
    { measurement: 'docker_container_pids', fields: { current: 2n } },
  ]);
  assert.deepEqual(r, {
    id: 'abc', name: 'web', labels: { a: 'b' }, cpuPercent: 12.5, cpuPercentOfLimit: 25, memUsage: 100, memLimit: undefined, pageFaults: 7,
    netRxBytes: 10, netTxBytes: 20, blkReadBytes: 5, blkWriteBytes: 6, contextSwitches: 7, switchesMethod: 'kernel', pids: 2,
  });
  const empty = readingFromRows(c, [{ measurement: 'docker_container_context_switches', fields: { voluntary: 3n } }]);
  assert.equal(empty.contextSwitches, undefined);
  assert.equal(empty.cpuPercent, undefined);
});

test('top flags: defaults, and one clear line for a bad value', () => {
  assert.deepEqual(parseTopFlags({}), { intervalMs: 1000, gapMs: 1000, noStream: false, sortId: 'cpu', filter: '' });
  assert.deepEqual(parseTopFlags({ interval: '500ms', sort: 'mem', filter: 'web', noStream: true, gap: '200ms' }), { intervalMs: 500, gapMs: 200, noStream: true, sortId: 'mem', filter: 'web' });
  assert.match((parseTopFlags({ interval: '*/5 * * * *' }) as { error: string }).error, /flag --interval: expected a duration/);
  assert.match((parseTopFlags({ interval: '10ms' }) as { error: string }).error, /--interval/);
  assert.match((parseTopFlags({ sort: 'size' }) as { error: string }).error, /--sort: expected one of cpu, mem/);
});

test('top turns on exactly the collectors it shows, context switches counted as the configuration says', async () => {
  const { topCollectors } = await import('../../src/top/source.js');
  const { defaultConfig } = await import('../../src/config/schema.js');
  const c = topCollectors(defaultConfig('h').collectors) as unknown as Record<string, { enabled: boolean; method?: string; per_cpu?: boolean; task_counts?: boolean }>;
  const on = Object.entries(c).filter(([, v]) => v.enabled).map(([k]) => k).sort();
  assert.deepEqual(on, ['blkio', 'context_switches', 'cpu', 'host', 'memory', 'network', 'pids']);
  assert.equal(c.context_switches.method, 'auto');
  assert.equal(c.cpu.per_cpu, false);
  assert.equal(c.context_switches.task_counts, false, 'threads and processes are not shown');
  assert.equal(defaultConfig('h').collectors.context_switches.task_counts, true, "the daemon's default is untouched");
  const proc = { ...defaultConfig('h').collectors, context_switches: { enabled: true, method: 'proc', task_counts: true } };
  assert.equal((topCollectors(proc) as unknown as Record<string, { method?: string }>).context_switches.method, 'proc');
});
