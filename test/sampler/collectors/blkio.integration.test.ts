// Real container writing N MiB with direct I/O: the blkio rows must count them and agree with
// Docker's stats API. On Linux ≥ 5 with blk-mq (scheduler `none`) the v1 blkio counters only move
// when the cgroup has a throttle rule, hence the (never reached) 10 GB/s limits on the data disk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBlkioCollector } from '../../../src/sampler/collectors/blkio.js';
import { docker, removeContainer, startContainer, uniqueName } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';
import { view } from './fixture-context.js';
import { dockerApi, dockerDataDisk, realHarness, waitForOutput } from './real-container.js';

const MIB = 16;
let id = '';

before(async () => {
  await requireDocker();
});

after(async () => {
  if (id) await removeContainer(id);
});

interface BlkioEntry { major: number; minor: number; op: string; value: number }
interface Stats { blkio_stats: { io_service_bytes_recursive: BlkioEntry[] | null; io_serviced_recursive: BlkioEntry[] | null } }

function dockerValue(entries: BlkioEntry[] | null, majMin: string, op: string): bigint {
  const e = (entries ?? []).find((x) => `${x.major}:${x.minor}` === majMin && x.op.toLowerCase() === op);
  assert.ok(e, `Docker reports no ${op} for ${majMin}`);
  return BigInt(e.value);
}

test(`a ${MIB} MiB direct-I/O writer is counted on the data disk, equal to Docker's stats API`, async (t) => {
  const disk = await dockerDataDisk();
  id = await startContainer({
    name: uniqueName('blkio'),
    flags: ['--device-write-bps', `${disk.devPath}:10gb`, '--device-read-bps', `${disk.devPath}:10gb`],
    script: `df -P /tmp | tail -1; dd if=/dev/zero of=/tmp/f bs=1M count=${MIB} oflag=direct 2>&1; echo written; sleep 600`,
  });
  await waitForOutput(id, 'written');
  const logs = await docker('logs', id);
  assert.match(logs, /^overlay\s/m, `/tmp must be on the container's overlay (on ${disk.devPath}), not tmpfs:\n${logs}`);
  assert.match(logs, new RegExp(`${MIB}\\+0 records out`), logs);

  const h = await realHarness(id);
  const collector = createBlkioCollector();
  const rows = view(h.collect(collector));
  const stats = await dockerApi<Stats>(`/containers/${id}/stats?stream=false&one-shot=true`);
  const again = view(h.collect(collector));
  assert.deepEqual(again, rows, 'the container is idle: counters are stable');
  assert.equal(h.errors.total(), 0, JSON.stringify(h.errors.entries()));

  const device = rows.find(([tags]) => tags.device === disk.majMin);
  assert.ok(device, `no row for ${disk.majMin} in ${JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  const [tags, f] = device;
  assert.equal(tags.device_name, disk.name);
  const written = f.io_service_bytes_recursive_write as bigint;
  assert.ok(written >= BigInt(MIB * 1024 * 1024), `write bytes ${written} < ${MIB} MiB`);
  assert.ok(written < BigInt((MIB + 4) * 1024 * 1024), `write bytes ${written}: far more than written`);

  t.diagnostic(`${disk.name} (${disk.majMin}): write ${written} B in ${f.io_serviced_recursive_write} ops, read ${f.io_service_bytes_recursive_read} B`);
  const b = stats.blkio_stats;
  assert.equal(f.io_service_bytes_recursive_read, dockerValue(b.io_service_bytes_recursive, disk.majMin, 'read'));
  assert.equal(f.io_service_bytes_recursive_write, dockerValue(b.io_service_bytes_recursive, disk.majMin, 'write'));
  assert.equal(f.io_service_bytes_recursive_total, dockerValue(b.io_service_bytes_recursive, disk.majMin, 'total'));
  assert.equal(f.io_serviced_recursive_read, dockerValue(b.io_serviced_recursive, disk.majMin, 'read'));
  assert.equal(f.io_serviced_recursive_write, dockerValue(b.io_serviced_recursive, disk.majMin, 'write'));
  assert.equal(f.io_serviced_recursive_total, dockerValue(b.io_serviced_recursive, disk.majMin, 'total'));
  assert.ok((f.io_serviced_recursive_write as bigint) >= 16n, 'at least one write per MiB block');

  // the total row sums the device rows
  const total = rows.find(([t]) => t.device === 'total')?.[1];
  const devices = rows.filter(([t]) => t.device !== 'total');
  for (const field of Object.keys(f)) {
    assert.equal(total?.[field], devices.reduce((s, [, x]) => s + (x[field] as bigint), 0n), field);
  }
});
