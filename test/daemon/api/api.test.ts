// The REST API through a real HTTP listener: documented shapes, 404 for unknown containers, 400
// for bad parameters, nothing from the configuration.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { HttpServer } from '../../../src/daemon/http-server.js';
import { answerApi, type ApiSource } from '../../../src/daemon/api/api.js';
import { LiveSamples } from '../../../src/daemon/api/live-samples.js';
import { ProcessBook, type ProcessInfo } from '../../../src/sampler/processes/book.js';
import type { Logger } from '../../../src/log.js';
import { container } from '../../sampler/collectors/fixture-context.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const web = { ...container(A, 10), name: 'web' };
const db = { ...container(B, 20), name: 'db' };

const proc = (pid: number, cpuDeltaNs: number, rssBytes: number): ProcessInfo => ({
  pid, ppid: 1, name: pid === 11 ? 'we ird,"=name' : 'sh', state: 'S', threads: 1, cpuDeltaNs, userNs: 2e9, systemNs: 1e9, rssBytes,
  memPercent: 1, minorFaults: 5, majorFaults: 0, startTicks: pid, voluntarySwitches: 3, involuntarySwitches: 4,
});

let server: HttpServer;
let port = 0;
const live = new LiveSamples();
const book = new ProcessBook(4);

before(async () => {
  live.record({ container: web, rows: [
    { measurement: 'docker_container_cpu', fields: { usage_percent: 42.5, usage_total: 123n } },
    { measurement: 'docker_container_mem', fields: { usage: 1000n, limit: 4000n, usage_percent: 25 } },
    { measurement: 'docker_container_net', tags: { network: 'eth0' }, fields: { rx_bytes: 7n, tx_bytes: 8n } },
    { measurement: 'docker_container_net', tags: { network: 'total' }, fields: { rx_bytes: 7n, tx_bytes: 8n } },
  ] }, Date.UTC(2026, 11, 1, 12, 0, 0));
  for (let i = 1; i <= 3; i++) {
    book.record(A, { atMs: Date.UTC(2026, 11, 1, 12, 0, i), intervalNs: 1e9, cpuLimit: 2, memoryLimitBytes: 4000, memoryBasisBytes: 4000, total: 3,
      processes: [proc(10, 0.1e9 * i, 100), proc(11, 0.5e9, 50), proc(12, 0, 900)] });
  }
  const src: ApiSource = { containers: () => [web, db], live, book, top: 5, intervalS: 1 };
  server = new HttpServer({ listen: '127.0.0.1:0', health: () => ({ ready: true, lastTickMs: null, intervalMs: 1000, outputs: {} }), metrics: () => '', api: (p, q) => answerApi(p, q, src), log: silent });
  port = (await server.start()).port;
});
after(() => server.stop());

function get(path: string): Promise<{ status: number; type: string; json: any }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), json: JSON.parse(body) }));
    }).on('error', reject).end();
  });
}

test('GET /api/v1/containers: every container, the live numbers, null where nothing was read', async () => {
  const r = await get('/api/v1/containers');
  assert.equal(r.status, 200);
  assert.match(r.type, /application\/json/);
  assert.equal(r.json.interval_s, 1);
  const [w, d] = r.json.containers;
  assert.deepEqual(
    { id: w.id, short_id: w.short_id, name: w.name, cpu: w.cpu_percent, mem: w.memory_usage_bytes, limit: w.memory_limit_bytes, pct: w.memory_percent, rx: w.net_rx_bytes, at: w.sampled_at },
    { id: A, short_id: A.slice(0, 12), name: 'web', cpu: 42.5, mem: 1000, limit: 4000, pct: 25, rx: 7, at: '2026-12-01T12:00:00.000Z' },
  );
  assert.equal(w.measurements.docker_container_net.length, 2);
  assert.deepEqual(w.measurements.docker_container_cpu, [{ fields: { usage_percent: 42.5, usage_total: 123 } }]);
  assert.equal(d.name, 'db');
  assert.equal(d.cpu_percent, null);
  assert.equal(d.sampled_at, null);
});

test('processes by name, short id and full id; sort, limit, count and interval', async () => {
  for (const ref of ['web', A.slice(0, 12), A]) {
    const r = await get(`/api/v1/containers/${ref}/processes`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.container.name, 'web');
  }
  const cpu = await get('/api/v1/containers/web/processes?sort=cpu&limit=2&count=2');
  assert.equal(cpu.json.samples.length, 2);
  assert.deepEqual(cpu.json.samples[0].processes.map((p: any) => [p.pid, p.cpu_percent, p.cpu_limit_percent]), [[11, 50, 25], [10, 30, 15]]);
  assert.equal(cpu.json.samples[0].time, '2026-12-01T12:00:03.000Z');
  assert.equal(cpu.json.cpu_limit, 2);
  const p = cpu.json.samples[0].processes[0];
  assert.deepEqual(Object.keys(p).sort(), ['cpu_limit_percent', 'cpu_percent', 'cpu_system_s', 'cpu_user_s', 'involuntary_switches', 'major_faults', 'memory_percent', 'minor_faults', 'name', 'pid', 'ppid', 'rss_bytes', 'state', 'threads', 'voluntary_switches']);
  assert.equal(p.name, 'we ird,"=name');
  const mem = await get('/api/v1/containers/web/processes?sort=mem&limit=1');
  assert.deepEqual(mem.json.samples[0].processes.map((x: any) => x.pid), [12]);
  const wide = await get('/api/v1/containers/web/processes?interval=2&count=4');
  assert.deepEqual(wide.json.samples.map((s: any) => s.interval_s), [2]);
  assert.equal(wide.json.samples[0].processes.find((x: any) => x.pid === 10).cpu_percent, 25); // (0.3 + 0.2) s over 2 s
});

test('404 with a message for unknown containers and endpoints; 400 for bad parameters', async () => {
  const unknown = await get('/api/v1/containers/nope/processes');
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error, /no container "nope"/);
  assert.equal((await get('/api/v1/nothing')).status, 404);
  const noBook = await get(`/api/v1/containers/db/processes`);
  assert.equal(noBook.status, 200); // known container, no sample yet: an empty list
  assert.deepEqual(noBook.json.samples, []);
  for (const [q, re] of [['sort=pcpu', /sort.*cpu or mem/], ['limit=0', /limit.*1 to 5/], ['limit=6', /limit/], ['count=99', /count.*1 to 4/], ['interval=-1', /interval/], ['bogus=1', /unknown parameter "bogus"/], ['limit=1.5', /limit/]] as const) {
    const r = await get(`/api/v1/containers/web/processes?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.json.error, re);
  }
  assert.equal((await get('/api/v1/containers?x=1')).status, 400);
});
