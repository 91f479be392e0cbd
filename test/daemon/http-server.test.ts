import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:http';
import { HttpServer, evaluateHealth, listenAddress, type HealthSnapshot } from '../../src/daemon/http-server.js';
import { MetricsRegistry } from '../../src/daemon/self-metrics.js';
import type { Logger } from '../../src/log.js';

const NOW = Date.UTC(2026, 10, 22, 5, 0, 10);
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function fetchRaw(
  port: number,
  path: string,
  method = 'GET',
  host = '127.0.0.1',
  agent?: Agent,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listenAddress', () => {
  test('IPv4, bracketed IPv6, host names and :port', () => {
    assert.deepEqual(listenAddress('127.0.0.1:9273'), { host: '127.0.0.1', port: 9273 });
    assert.deepEqual(listenAddress('[::1]:9273'), { host: '::1', port: 9273 });
    assert.deepEqual(listenAddress('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(listenAddress(':9273'), { host: '::', port: 9273 });
  });

  test('human errors for bad values', () => {
    assert.throws(() => listenAddress('127.0.0.1'), /expected host:port/);
    assert.throws(() => listenAddress('::1:9273'), /expected host:port/);
    assert.throws(() => listenAddress('[::1]9273'), /expected \[ipv6\]:port/);
    assert.throws(() => listenAddress('127.0.0.1:99999'), /port "99999" is not a number from 0 to 65535/);
    assert.throws(() => listenAddress('127.0.0.1:http'), /port "http"/);
  });
});

describe('evaluateHealth', () => {
  const base: HealthSnapshot = { ready: true, lastTickMs: NOW - 10_000, intervalMs: 10_000, outputs: {} };

  test('ok: ready, fresh tick, outputs fine', () => {
    const snap: HealthSnapshot = {
      ...base,
      outputs: { influx: { lastSuccessMs: NOW - 2000, lastError: { atMs: NOW - 60_000, message: 'HTTP 503' }, spoolBytes: 0 } },
    };
    assert.deepEqual(evaluateHealth(snap, NOW), {
      code: 200,
      body: {
        status: 'ok',
        ready: true,
        last_tick: '2026-11-22T05:00:00.000Z',
        last_tick_age_s: 10,
        reasons: [],
        outputs: {
          influx: {
            last_success: '2026-11-22T05:00:08.000Z',
            last_error: 'HTTP 503',
            last_error_at: '2026-11-22T04:59:10.000Z',
            spool_bytes: 0,
          },
        },
      },
    });
  });

  test('starting: 503 until ready', () => {
    const { code, body } = evaluateHealth({ ...base, ready: false, lastTickMs: null }, NOW);
    assert.equal(code, 503);
    assert.equal(body.status, 'starting');
    assert.equal(body.last_tick, null);
    assert.equal(body.last_tick_age_s, null);
  });

  test('a tick older than 3 intervals is 503 degraded; exactly 3 intervals is still fine', () => {
    assert.equal(evaluateHealth({ ...base, lastTickMs: NOW - 30_000 }, NOW).code, 200);
    const { code, body } = evaluateHealth({ ...base, lastTickMs: NOW - 30_400 }, NOW);
    assert.equal(code, 503);
    assert.equal(body.status, 'degraded');
    assert.equal(body.last_tick_age_s, 30.4);
    assert.deepEqual(body.reasons, ['last tick 30.4 s ago, more than 3 intervals (30 s): sampling is stuck or too slow']);
  });

  test('a failing output degrades but stays 200 (the spool keeps the data)', () => {
    const { code, body } = evaluateHealth(
      { ...base, outputs: { influx: { lastSuccessMs: null, lastError: { atMs: NOW - 5000, message: 'connect ECONNREFUSED 127.0.0.1:8086' }, spoolBytes: 4096 } } },
      NOW,
    );
    assert.equal(code, 200);
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.reasons, [
      'output influx failing since 2026-11-22T05:00:05.000Z: connect ECONNREFUSED 127.0.0.1:8086 (data kept in the spool)',
    ]);
    assert.equal(body.outputs.influx.spool_bytes, 4096);
  });

  test('dockerd out of reach (e.g. the socket\'s group missing) degrades but stays 200', () => {
    const problem = 'cannot reach dockerd at /var/run/docker.sock: permission denied: the socket belongs to group 4242 and cgflux (uid 10001, groups 10001) is not in it; add group 4242: …';
    const { code, body } = evaluateHealth({ ...base, dockerProblem: problem }, NOW);
    assert.equal(code, 200);
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.reasons, [`${problem} (discovery retries in the background)`]);
    assert.equal(evaluateHealth({ ...base, dockerProblem: undefined }, NOW).body.status, 'ok');
  });
});

describe('HttpServer', () => {
  const registry = new MetricsRegistry();
  registry.counter('points_written', 'Points accepted by the output.', { output: 'influx' }).inc(42);
  let snapshot: HealthSnapshot = { ready: true, lastTickMs: NOW - 1000, intervalMs: 10_000, outputs: {} };
  let failHealth = false;
  const server = new HttpServer({
    listen: '127.0.0.1:0',
    health: () => {
      if (failHealth) throw new Error('secret-token-123 in a stack');
      return snapshot;
    },
    metrics: () => registry.renderPrometheus(),
    log: silent,
    now: () => NOW,
  });
  let port = 0;
  after(() => server.stop());

  test('binds 127.0.0.1 with port 0 and reports the real port', async () => {
    const addr = await server.start();
    assert.equal(addr.host, '127.0.0.1');
    assert.ok(addr.port > 0);
    port = addr.port;
  });

  test('GET /healthz: 200 JSON when healthy, 503 when starting', async () => {
    let res = await fetchRaw(port, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = JSON.parse(res.body);
    assert.equal(body.status, 'ok');
    assert.equal(body.last_tick, '2026-11-22T05:00:09.000Z');
    assert.equal(body.last_tick_age_s, 1);
    snapshot = { ...snapshot, ready: false };
    res = await fetchRaw(port, '/healthz?verbose=1');
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).status, 'starting');
    snapshot = { ...snapshot, ready: true };
  });

  test('GET /metrics: the registry text with the Prometheus content type', async () => {
    const res = await fetchRaw(port, '/metrics');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(
      res.body,
      '# HELP cgflux_points_written_total Points accepted by the output.\n' +
        '# TYPE cgflux_points_written_total counter\n' +
        'cgflux_points_written_total{output="influx"} 42\n',
    );
  });

  test('HEAD answers the headers without a body', async () => {
    const res = await fetchRaw(port, '/metrics', 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(registry.renderPrometheus()));
  });

  test('other methods are 405 with Allow, other paths 404', async () => {
    const post = await fetchRaw(port, '/metrics', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await fetchRaw(port, '/healthz', 'DELETE')).status, 405);
    const missing = await fetchRaw(port, '/');
    assert.equal(missing.status, 404);
    assert.equal(missing.body, 'not found: try /healthz or /metrics\n');
    assert.equal((await fetchRaw(port, '/metrics/extra')).status, 404);
  });

  test('a throwing provider gives 500 without echoing its message', async () => {
    failHealth = true;
    const res = await fetchRaw(port, '/healthz');
    failHealth = false;
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.body, /secret/);
  });

  test('a second server on the same address fails with a message that says what to do', async () => {
    const other = new HttpServer({ listen: `127.0.0.1:${port}`, health: () => snapshot, metrics: () => '', log: silent });
    await assert.rejects(other.start(), {
      message: `cannot listen on 127.0.0.1:${port} for /healthz and /metrics: the address is already in use (another cgflux?); change http.listen, or set http.enabled: false`,
    });
  });

  test('stop() closes kept-alive connections and frees the port', async () => {
    const agent = new Agent({ keepAlive: true });
    assert.equal((await fetchRaw(port, '/metrics', 'GET', '127.0.0.1', agent)).status, 200);
    const t0 = Date.now();
    await server.stop();
    assert.ok(Date.now() - t0 < 1000, 'stop waited for the idle keep-alive connection');
    await assert.rejects(fetchRaw(port, '/healthz'), /ECONNREFUSED/);
    agent.destroy();
  });
});

test('HttpServer binds IPv6 loopback [::1]', async () => {
  const server = new HttpServer({
    listen: '[::1]:0',
    health: () => ({ ready: true, lastTickMs: NOW, intervalMs: 1000, outputs: {} }),
    metrics: () => '',
    log: silent,
    now: () => NOW,
  });
  const addr = await server.start();
  try {
    assert.equal(addr.host, '::1');
    const res = await fetchRaw(addr.port, '/healthz', 'GET', '::1');
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).status, 'ok');
  } finally {
    await server.stop();
  }
});
