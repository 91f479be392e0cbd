// Process names are the process's own choice: spaces, commas, quotes, '=', backslashes, bytes that
// are not UTF-8. Parsed from /proc/<pid>/stat (a synthetic proc root), encoded, written to the real
// InfluxDB 1.x: every line must be accepted and the tag must read back as the kernel's name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessesCollector } from '../../../src/sampler/collectors/processes.js';
import { LineEncoder } from '../../../src/encode/index.js';
import { TaskLister } from '../../../src/sampler/tasks/task-lister.js';
import { INFLUX_V1_URL, requireInfluxV1 } from '../../support/services.js';
import { influxExec, influxQuery } from '../../grafana/influx-v1.js';
import { container, harness } from './fixture-context.js';

const DB = `cgflux_test_procnames_${process.pid}`;
const ID = 'fe'.repeat(32);
let root = '';

// comm bytes as the kernel would hold them (≤ 15 bytes), and what the tag must read back as.
const NAMES: Array<[Buffer, string]> = [
  [Buffer.from('my app'), 'my app'],
  [Buffer.from('a,b=c'), 'a,b=c'],
  [Buffer.from('say "hi"'), 'say "hi"'],
  [Buffer.from('x) (y'), 'x) (y'],
  [Buffer.from('back\\slash'), 'back\\slash'],
  [Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x21]), 'bad\uFFFD\uFFFD!'],
  [Buffer.from('ünïcode'), 'ünïcode'],
];

before(async () => {
  await requireInfluxV1();
  await influxExec(`CREATE DATABASE "${DB}"`);
  root = mkdtempSync(join(tmpdir(), 'cgflux-procnames-'));
  const proc = join(root, 'proc');
  mkdirSync(proc);
  symlinkSync(String(process.pid), join(proc, 'self'));
  const cg = join(root, 'cg');
  mkdirSync(cg);
  const pids = NAMES.map((_, i) => 5000 + i);
  writeFileSync(join(cg, 'cgroup.procs'), pids.join('\n') + '\n');
  NAMES.forEach(([comm], i) => {
    const pid = pids[i];
    mkdirSync(join(proc, String(pid)));
    const tail = ` S 1 ${pid} ${pid} 0 -1 0 10 0 0 0 ${100 + i} 5 0 0 20 0 1 0 1000 12345678 ${200 + i} 0 0 0\n`;
    writeFileSync(join(proc, String(pid), 'stat'), Buffer.concat([Buffer.from(`${pid} (`), comm, Buffer.from(')'), Buffer.from(tail)]));
    writeFileSync(join(proc, String(pid), 'status'), `Name:\tx\nTgid:\t${pid}\nVmRSS:\t   ${800 + i} kB\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n`);
  });
});

after(async () => {
  await influxQuery(`DROP DATABASE "${DB}"`);
  if (root) rmSync(root, { recursive: true, force: true });
});

test('names with spaces, commas, quotes, =, backslashes and invalid UTF-8 are valid lines and read back', async () => {
  const h = harness({ container: container(ID, 5000), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: join(root, 'cg') } }, procRoot: join(root, 'proc'), sysRoot: '/sys' });
  const collector = createProcessesCollector({ top: NAMES.length, tasks: new TaskLister({ source: 'cgroup' }) });
  const rows = h.collect(collector);
  assert.equal(rows.length, NAMES.length, JSON.stringify(h.errors.entries()));
  const bodies: string[] = [];
  const encoder = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
  encoder.beginTick();
  encoder.encodeSample({ container: h.ctx.container, rows }, bodies);
  encoder.endTick();
  const body = bodies.map((b) => `${b} 1700000000000000000`).join('\n') + '\n';
  const res = await fetch(`${INFLUX_V1_URL}/write?db=${DB}&precision=ns`, { method: 'POST', body });
  assert.equal(res.status, 204, await res.text());
  const series = await influxExec(`SELECT last("rss") FROM "docker_container_process" GROUP BY "process"`, DB);
  assert.deepEqual(series.map((s) => s.tags?.process).sort(), NAMES.map(([, name]) => name).sort());
});
