// Real container with processes of clearly different cost: a full burner, a niced part-time
// burner, an idle sleeper and an allocator. The collector's ranking and CPU shares must agree with
// what /proc/<pid>/stat deltas say over the same interval, its memory order with RSS; a process
// that exits leaves the list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createProcessesCollector } from '../../../src/sampler/collectors/processes.js';
import { parsePidStat } from '../../../src/sampler/parsers/proc-pid-stat.js';
import { docker, removeContainer, startContainer, uniqueName, waitFor } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';
import { realHarness } from './real-container.js';
import { sleep } from '../support/real-containers.js';

let id = '';
before(async () => {
  await requireDocker();
});
after(async () => {
  if (id) await removeContainer(id);
});

const SCRIPT = [
  // The allocator first, so that its filling is over before the burners start.
  '(x=$(head -c 100000000 /dev/zero | tr "\\0" a); touch /tmp/ready; sleep 600; echo ${#x}) &',
  'while [ ! -f /tmp/ready ]; do usleep 100000; done',
  '(while :; do :; done) &',
  "sh -c 'renice -n 10 $$ >/dev/null; while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; usleep 20000; done' &",
  'sleep 600 &',
  'wait',
].join('\n');

function truth(procsFile: string): Map<number, { cpu: number; rss: number }> {
  const out = new Map<number, { cpu: number; rss: number }>();
  for (const pid of readFileSync(procsFile, 'latin1').split('\n').filter(Boolean).map(Number)) {
    try {
      const s = parsePidStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))!;
      out.set(pid, { cpu: Number(s.utimeTicks + s.stimeTicks), rss: Number(s.rssPages) });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

test('top by CPU and by memory agree with /proc/<pid>/stat deltas and RSS; an exited process leaves the list', async () => {
  id = await startContainer({ name: uniqueName('procs'), script: SCRIPT, flags: ['--memory', '512m'] });
  const h = await realHarness(id);
  const dirs = h.ctx.cgroup.dirs;
  const procsFile = `${dirs.unified ?? dirs.pids ?? dirs.cpu ?? dirs.memory}/cgroup.procs`;
  await waitFor('the allocator to fill its string', 60_000, () => docker('exec', id, 'test', '-f', '/tmp/ready').then(() => true, () => undefined));
  await waitFor('the burners to start', 10_000, () => truth(procsFile).size >= 5 || undefined);
  const collector = createProcessesCollector({ top: 2 });

  h.collect(collector);
  const before = truth(procsFile);
  const started = process.hrtime.bigint();
  await sleep(3000);
  const afterT = truth(procsFile);
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const rows = h.collect(collector);
  const snap = collector.book.latest(id)!;

  const deltas = [...afterT].filter(([pid]) => before.has(pid)).map(([pid, p]) => ({ pid, cpu: p.cpu - before.get(pid)!.cpu, rss: p.rss }));
  const byCpu = [...deltas].sort((a, b) => b.cpu - a.cpu);
  const byRss = [...deltas].sort((a, b) => b.rss - a.rss);
  const costs = JSON.stringify(byCpu);
  assert.ok(byCpu[0].cpu > 0 && byCpu[1].cpu > 0 && byCpu[2].cpu <= 1, `two burners and idle processes: ${costs}`);

  // CPU top 2 in order (where /proc tells them clearly apart), then the RSS top 2 not already in.
  const cpuTop = snap.processes.slice(0, 2);
  assert.deepEqual(new Set(cpuTop.map((p) => p.pid)), new Set([byCpu[0].pid, byCpu[1].pid]), costs);
  if (byCpu[0].cpu >= 1.5 * byCpu[1].cpu) assert.equal(cpuTop[0].pid, byCpu[0].pid, costs);
  const shipped = new Set(snap.processes.map((p) => p.pid));
  assert.ok(shipped.has(byRss[0].pid) && shipped.has(byRss[1].pid), 'the two largest by RSS are shipped');
  assert.ok(snap.total >= 4 && snap.total <= afterT.size + 1, `every process was ranked: ${snap.total} of ${[...afterT.keys()]}`);
  for (const p of cpuTop) {
    const expected = ((byCpu.find((d) => d.pid === p.pid)!.cpu * 1e7) / elapsedNs) * 100;
    assert.ok(Math.abs(p.cpuPercent! - expected) < 10, `pid ${p.pid}: ${p.cpuPercent}% vs /proc ${expected}%`);
  }
  const allocator = snap.processes.find((p) => p.pid === byRss[0].pid)!;
  assert.ok(allocator.rssBytes > 96e6, `the allocator's RSS: ${allocator.rssBytes}`);
  assert.ok(Math.abs(allocator.memPercent! - (allocator.rssBytes / (512 * 2 ** 20)) * 100) < 1e-9, 'of the memory limit');
  assert.equal(snap.memoryLimitBytes, 512 * 2 ** 20);

  // Rows: one per shipped process, the name as a tag, the documented fields.
  assert.equal(rows.length, snap.processes.length);
  for (const r of rows) {
    assert.equal(r.measurement, 'docker_container_process');
    assert.equal(r.tags?.process, 'sh');
    for (const f of ['pid', 'ppid', 'state', 'threads', 'cpu_user_ns', 'cpu_system_ns', 'rss', 'minor_faults', 'major_faults', 'voluntary_switches', 'involuntary_switches']) {
      assert.ok(f in r.fields, `${f} in ${JSON.stringify(r.fields, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
  }
  assert.equal(new Set(rows.map((r) => `${r.tags?.process}/${r.tags?.instance}`)).size, rows.length, 'each row its own series');

  // The full burner exits: it leaves the list at the next tick.
  process.kill(byCpu[0].pid, 'SIGKILL');
  await waitFor('the burner to exit', 5000, () => !truth(procsFile).has(byCpu[0].pid));
  const laterRows = h.collect(collector);
  const later = collector.book.latest(id)!;
  assert.ok(!later.processes.some((p) => p.pid === byCpu[0].pid), 'the exited burner left the list');
  assert.ok(!laterRows.some((r) => r.fields.pid === BigInt(byCpu[0].pid)));
  // usleep children come and go between the listing and the read: skipped and counted, nothing else.
  assert.deepEqual(h.errors.entries().filter(([, reason]) => reason !== 'vanished'), []);
});
