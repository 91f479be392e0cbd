// The delivery loop against a scripted HTTP server on 127.0.0.1: exact counts for every answer.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Output } from '../../src/output/output.js';
import { ScriptedServer, type ScriptedReply } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, linesOf, points, tempSpool, v1Config, v2Config, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(script: (body: string, i: number, url: string) => ScriptedReply, cfgOver = {}, v1 = false) {
  const server = await ScriptedServer.start((r, i) => script(r.body, i, r.url));
  const spool = tempSpool();
  const log = captureLog();
  const cfg = v1 ? v1Config(server.url, cfgOver) : v2Config(server.url, cfgOver);
  const output = new Output(cfg, spool, { log });
  cleanups.push(() => spool.cleanup(), () => server.close(), () => output.close());
  return { server, output, log };
}

const T = 1_700_000_000_000;

describe('delivery', () => {
  test('503 twice, then accepted: every line once, retries counted, one socket, one request at a time', async () => {
    const { server, output } = await setup((_b, i) => (i < 2 ? { status: 503, body: '{"message":"busy"}' } : { status: 204 }));
    output.write(points(10), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 10);
    const s = output.stats();
    assert.equal(s.requests, 3);
    assert.equal(s.errors.http_5xx, 2);
    assert.equal(s.pointsRetried, 20);
    assert.deepEqual(linesOf(server.requests, (_r, i) => i >= 2), points(10).map((l) => `${l} ${T}`));
    assert.equal(server.maxConcurrent, 1);
    assert.equal(server.sockets.size, 1, 'keep-alive: one connection for all requests');
    assert.ok(server.requests[0].url.startsWith('/api/v2/write?org=org&bucket=bucket&precision=ms'));
    assert.equal(server.requests[0].headers.authorization, 'Token secret-token');
    assert.equal(s.spoolBatches, 0);
  });

  test('429 with Retry-After (seconds, then HTTP date) is honoured', async () => {
    const { server, output } = await setup((_b, i) => {
      if (i === 0) return { status: 429, headers: { 'retry-after': '1' } };
      if (i === 1) return { status: 429, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() } };
      return { status: 204 };
    });
    output.write(points(3), T);
    await waitFor('delivery', 8000, () => output.stats().pointsWritten === 3);
    const [a, b, c] = server.requests.map((r) => r.atMs);
    assert.ok(b - a >= 1000, `retried after ${b - a} ms, Retry-After said 1 s`);
    assert.ok(c - b >= 500, `retried after ${c - b} ms, Retry-After date was ~1-1.5 s ahead`);
    assert.equal(output.stats().errors.http_429, 2);
  });

  test('413: the batch is split in halves until it fits; order kept', async () => {
    const { server, output } = await setup((body) => (body.split('\n').length > 3 ? { status: 413, body: '{"message":"too large"}' } : { status: 204 }));
    output.write(points(10), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 10);
    assert.deepEqual(linesOf(server.requests, (r) => r.body.split('\n').length <= 3), points(10).map((l) => `${l} ${T}`));
    assert.equal(linesDropped(output.stats()), 0);
  });

  test('400 partial write: bisection drops exactly the bad lines, the rest is delivered', async () => {
    const good = points(37);
    // Malformed, yet each still one line: a string left open would run into the next line for any
    // line-protocol reader (the server's too), so it cannot be rejected alone.
    const bad = ['m,k=t v=1i,v=2i', 'bad line', 'm,k=t v=unterminated'];
    const all = [...good.slice(0, 5), bad[0], ...good.slice(5, 20), bad[1], bad[2], ...good.slice(20)];
    const { server, output, log } = await setup((body) =>
      body.includes('v=1i,v=2i') || body.includes('bad line') || body.includes('unterminated')
        ? { status: 400, body: '{"code":"invalid","message":"partial write: unable to parse"}' }
        : { status: 204 },
    );
    output.writeLines(all);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten + linesDropped(output.stats()) === all.length);
    const s = output.stats();
    assert.equal(s.pointsWritten, 37);
    assert.equal(s.pointsDropped.unparsable, 3, 'counted by reason');
    const accepted = linesOf(server.requests, (r) => !/v=1i,v=2i|bad line|unterminated/.test(r.body));
    assert.deepEqual(accepted, good, 'every good line accepted exactly once, in order');
    const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
    assert.equal(warn?.fields?.points_rejected, 3);
    assert.equal(s.spoolBatches, 0);
  });

  test('400 for a single line: that line is rejected', async () => {
    const { output } = await setup(() => ({ status: 400, body: '{"message":"unable to parse"}' }));
    output.writeLines(['x']);
    await waitFor('rejection', 5000, () => output.stats().pointsDropped.unparsable === 1);
    assert.equal(output.stats().requests, 1);
  });

  test('401: data kept, logged once per state change, retried slowly, delivered after the fix', async () => {
    let authorized = false;
    const { output, log, server } = await setup(() => (authorized ? { status: 204 } : { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' }), {
      retry: { initial_ms: 10, max_ms: 100 },
    });
    output.write(points(4), T);
    await waitFor('several attempts', 5000, () => server.requests.length >= 4);
    assert.equal(log.count('error', 'refuses our credentials'), 1, 'loud, but once');
    const gaps = server.requests.slice(1, 4).map((r, i) => r.atMs - server.requests[i].atMs);
    assert.ok(gaps.every((g) => g >= 90), `slow retry (every max_ms): ${gaps}`);
    assert.equal(output.stats().spoolPoints, 4);
    assert.match(output.stats().lastError!.message, /HTTP 401.*unauthorized access/);
    assert.ok(!output.stats().lastError!.message.includes('secret-token'));
    authorized = true;
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 4);
    assert.equal(log.count('info', 'writing again'), 1);
  });

  test('404 on v2: the message names the bucket; data kept', async () => {
    let exists = false;
    const { output } = await setup(() => (exists ? { status: 204 } : { status: 404, body: '{"code":"not found","message":"bucket \\"bucket\\" not found"}' }));
    output.write(points(2), T);
    await waitFor('a failure', 5000, () => output.stats().errors.not_found >= 1);
    assert.match(output.stats().lastError!.message, /bucket "bucket" \(org "org"\) does not exist/);
    exists = true;
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 2);
  });

  test('v1: database not found → CREATE DATABASE when create_database, then delivered', async () => {
    let created = false;
    const { output, server } = await setup(
      (_b, _i, url) => {
        if (url.startsWith('/query')) {
          created = true;
          return { status: 200, body: '{"results":[{"statement_id":0}]}' };
        }
        return created ? { status: 204 } : { status: 404, body: '{"error":"database not found: \\"db\\""}' };
      },
      { create_database: true, username: 'u', password: 'p w', precision: 'ns' },
      true,
    );
    output.write(points(5), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 5);
    const query = server.requests.find((r) => r.url.startsWith('/query'))!;
    assert.equal(new URL(query.url, 'http://x').searchParams.get('q'), 'CREATE DATABASE "db"');
    const write = server.requests.at(-1)!;
    assert.equal(write.url, '/write?db=db&precision=n');
    assert.equal(write.headers.authorization, 'Basic ' + Buffer.from('u:p w').toString('base64'));
    assert.deepEqual(linesOf([write]), points(5).map((l) => `${l} ${T}000000`));
  });

  test('a request that hangs past timeout_ms is aborted and retried', async () => {
    const { output, server } = await setup((_b, i) => (i === 0 ? { status: 204, delayMs: 1500 } : { status: 204 }), { timeout_ms: 200 });
    output.write(points(2), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 2);
    assert.equal(output.stats().errors.timeout, 1);
    assert.equal(server.requests.length, 2);
    assert.equal(server.maxConcurrent, 1, 'the timed-out request was really aborted');
  });

  test('gzip: Content-Encoding gzip, same lines', async () => {
    const { output, server } = await setup(() => ({ status: 204 }), { gzip: true });
    output.write(points(50), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 50);
    assert.equal(server.requests[0].headers['content-encoding'], 'gzip');
    assert.deepEqual(linesOf(server.requests), points(50).map((l) => `${l} ${T}`));
  });

  test('batches bounded by max_lines and max_bytes', async () => {
    const { output, server } = await setup(() => ({ status: 204 }), { batch: { max_lines: 7, max_bytes: 200, flush_interval_ms: 20 } });
    output.write(points(30), T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 30);
    for (const r of server.requests) {
      assert.ok(r.body.split('\n').length <= 7, 'max_lines');
      assert.ok(Buffer.byteLength(r.body) <= 200, `max_bytes: ${Buffer.byteLength(r.body)}`);
    }
    assert.deepEqual(linesOf(server.requests), points(30).map((l) => `${l} ${T}`));
  });

  test('max_bytes counts UTF-8 bytes of body, timestamp and newline: three lines fill a batch of three lines exactly', async () => {
    const bodies = Array.from({ length: 9 }, (_, i) => `m,host=${'\u00e9'.repeat(30)}${i} v=${i}i`);
    const lineBytes = Buffer.byteLength(`${bodies[0]} ${T}\n`);
    // Counted in characters, four lines would fit.
    assert.ok(4 * `${bodies[0]} ${T}\n`.length <= 3 * lineBytes);
    const { output, server } = await setup(() => ({ status: 204 }), { batch: { max_lines: 1000, max_bytes: 3 * lineBytes, flush_interval_ms: 20 } });
    output.write(bodies, T);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 9);
    assert.deepEqual(server.requests.map((r) => r.body.split('\n').length), [3, 3, 3]);
    assert.deepEqual(linesOf(server.requests), bodies.map((l) => `${l} ${T}`));
  });
  test('flush(deadline) against a dead server returns by the deadline and keeps the data spooled', async () => {
    const { output, server } = await setup(() => ({ status: 503 }));
    output.write(points(3), T);
    const started = Date.now();
    const done = await output.flush(Date.now() + 300);
    const took = Date.now() - started;
    assert.equal(done, false);
    assert.ok(took >= 290 && took < 1000, `flush took ${took} ms`);
    assert.equal(output.stats().spoolPoints, 3);
    assert.ok(server.requests.length >= 2);
  });
});
