// Every way an InfluxDB-speaking server can fail an output, through the real Output (spool + delivery
// loop + HTTP sender): closed port, slow, 503, 429 + Retry-After, 413, 400 partial write, and a 400
// that names no line. Points lost must be 0, except the lines the server rejected, counted
// exactly by reason. (A hung real server and the daemon process are in daemon-outputs.test.ts.)
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Output } from '../../src/output/output.js';
import { freePort, ScriptedServer, type Script } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, linesOf, points, tempSpool, v2Config, waitFor } from '../output/helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const T = 1_700_000_000_000;

async function setup(script: Script, over: Parameters<typeof v2Config>[1] = {}, url?: string) {
  const server = await ScriptedServer.start(script);
  const spool = tempSpool();
  const log = captureLog();
  const output = new Output(v2Config(url ?? server.url, { retry: { initial_ms: 20, max_ms: 300 }, ...over }), spool, { log });
  cleanups.push(() => spool.cleanup(), () => server.close(), () => output.close());
  return { server, output, log };
}

/** The accepted lines (each once, in order) must be exactly `expected`. */
function assertExactlyOnce(accepted: string[], expected: string[], what: string): void {
  assert.equal(accepted.length, expected.length, `${what}: ${accepted.length} lines accepted, ${expected.length} written`);
  assert.deepEqual(accepted, expected, what);
}

const figures: string[] = [];

describe('faults: output answers', () => {
  test('closed port, then a server on it: nothing lost', async () => {
    const port = await freePort();
    const spool = tempSpool();
    const log = captureLog();
    const output = new Output(v2Config(`http://127.0.0.1:${port}`, { retry: { initial_ms: 20, max_ms: 200 } }), spool, { log });
    cleanups.push(() => spool.cleanup(), () => output.close());
    output.write(points(50), T);
    await waitFor('connection refusals', 5000, () => (output.stats().errors.network ?? 0) >= 3);
    assert.equal(output.stats().spoolPoints, 50);
    assert.equal(log.count('warn', 'write failed'), 1, 'one warning for the whole outage');
    // A server comes up on that very port.
    const { createServer } = await import('node:http');
    const received: string[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(...body.split('\n'));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 50);
    assertExactlyOnce(received, points(50).map((l) => `${l} ${T}`), 'closed port');
    figures.push(`closed_port_lost=${50 - received.length} refusals=${output.stats().errors.network}`);
  });

  test('slow: answers beyond the timeout, then within it: nothing lost, nothing doubled in the accepted set', async () => {
    let slow = true;
    const { server, output } = await setup(() => (slow ? { status: 204, delayMs: 800 } : { status: 204, delayMs: 50 }), { timeout_ms: 300 });
    output.write(points(20), T);
    await waitFor('timeouts', 5000, () => (output.stats().errors.timeout ?? 0) >= 3);
    assert.equal(output.stats().pointsWritten, 0);
    assert.equal(output.stats().spoolPoints, 20);
    slow = false;
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 20);
    // A timed-out request may still have reached the server (at-least-once); the one the output counts is the last.
    const last = server.requests.at(-1)!;
    assertExactlyOnce(linesOf([last]), points(20).map((l) => `${l} ${T}`), 'slow');
    assert.equal(output.stats().spoolPoints, 0);
    figures.push(`slow_lost=0 timeouts=${output.stats().errors.timeout}`);
  });

  test('503 for a while, 429 with Retry-After, then 413 until split: every line exactly once', async () => {
    const { server, output } = await setup((r, i) => {
      if (i < 4) return { status: 503, body: '{"message":"service unavailable"}' };
      if (i === 4) return { status: 429, headers: { 'retry-after': '1' }, body: '{"message":"too many requests"}' };
      return r.body.split('\n').length > 16 ? { status: 413, body: '{"message":"request too large"}' } : { status: 204 };
    });
    const lines = points(100);
    output.write(lines, T);
    await waitFor('delivery', 10_000, () => output.stats().pointsWritten === 100);
    const s = output.stats();
    assert.equal(s.errors.http_5xx, 4);
    assert.equal(s.errors.http_429, 1);
    assert.ok((s.errors.too_large ?? 0) >= 3);
    const afterRetryAfter = server.requests[5].atMs - server.requests[4].atMs;
    assert.ok(afterRetryAfter >= 1000, `Retry-After: 1 honoured (${afterRetryAfter} ms)`);
    assertExactlyOnce(linesOf(server.requests, (r, i) => i > 4 && r.body.split('\n').length <= 16), lines.map((l) => `${l} ${T}`), '503/429/413');
    assert.equal(linesDropped(s), 0);
    figures.push(`http503_429_413_lost=0 requests=${s.requests}`);
  });

  test('400 partial write: exactly the rejected lines are lost and counted', async () => {
    const good = points(200);
    const badAt = [3, 77, 78, 150];
    const all = [...good];
    for (const [k, at] of badAt.entries()) all.splice(at, 0, `m,k=t v=${k}i,v="conflict"`);
    const { server, output, log } = await setup((r) =>
      r.body.includes('"conflict"') ? { status: 400, body: '{"code":"invalid","message":"partial write: field type conflict: input field \\"v\\" on measurement \\"m\\" is type string"}' } : { status: 204 },
    );
    output.writeLines(all);
    await waitFor('delivery', 10_000, () => output.stats().pointsWritten + linesDropped(output.stats()) === all.length);
    const s = output.stats();
    assert.equal(s.pointsDropped.type_conflict, badAt.length);
    assert.equal(linesDropped(s), badAt.length);
    assert.equal(s.pointsWritten, good.length);
    assertExactlyOnce(linesOf(server.requests, (r) => !r.body.includes('"conflict"')), good, 'partial write');
    const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
    assert.equal(warn?.fields?.points_rejected, badAt.length);
    figures.push(`partial_write_rejected=${s.pointsDropped.type_conflict} (of ${badAt.length} bad) other_lost=0`);
  });

  test('a 400 that names no line (a proxy answering 400 to everything): no line dropped, loud, retried slowly', async () => {
    let broken = true;
    const { server, output, log } = await setup(() => (broken ? { status: 400, body: '<html><body>400 Bad Request</body></html>' } : { status: 204 }), {
      retry: { initial_ms: 20, max_ms: 200 },
    });
    output.write(points(30), T);
    await waitFor('several attempts', 5000, () => server.requests.length >= 4);
    const s = output.stats();
    assert.equal(linesDropped(s), 0, 'nothing dropped');
    assert.equal(s.spoolPoints, 30, 'the batch stays spooled');
    assert.ok(server.requests.every((r) => r.body.split('\n').length === 30), 'no bisection: every attempt sends the whole batch');
    const gaps = server.requests.slice(1, 4).map((r, i) => r.atMs - server.requests[i].atMs);
    assert.ok(gaps.every((g) => g >= 190), `retried every retry.max_ms: ${gaps}`);
    assert.equal(log.count('error', 'unexpected answer'), 1, 'logged loudly, once');
    assert.match(s.lastError!.message, /names no line/);
    broken = false;
    await waitFor('delivery', 5000, () => output.stats().pointsWritten === 30);
    assertExactlyOnce(linesOf(server.requests, (r, i) => i === server.requests.length - 1), points(30).map((l) => `${l} ${T}`), 'proxy 400');
    figures.push(`proxy_400_lost=0 attempts_while_broken=${server.requests.length - 1}`);
  });

  test('InfluxDB 2 style 400 for the request (invalid precision) keeps the batch; a line-level 400 for every line drops them all', async () => {
    // Phase 1: "invalid precision" names no line: kept, retried. Phase 2: every line unparsable
    // (timestamps out of range): the lines are dropped and counted, the batch no longer blocks.
    let phase = 1;
    const { server, output, log } = await setup(
      () => {
        if (phase === 1) return { status: 400, body: '{"code":"invalid","message":"invalid precision; valid precision units are ns, us, ms, and s"}' };
        return { status: 400, body: '{"code":"invalid","message":"unable to parse \'m,k=t v=1i 1700000000000\': time outside range"}' };
      },
      { retry: { initial_ms: 20, max_ms: 250 } },
    );
    output.write(points(8), T);
    await waitFor('phase 1 attempts', 5000, () => server.requests.length >= 2);
    assert.equal(linesDropped(output.stats()), 0);
    assert.equal(output.stats().spoolPoints, 8);
    assert.ok(log.count('error', 'unexpected answer') >= 1, 'loud');
    phase = 2;
    await waitFor('the batch rejected line by line', 8000, () => output.stats().pointsDropped.unparsable === 8);
    const s = output.stats();
    assert.equal(s.spoolPoints, 0, 'nothing left blocking the spool');
    assert.equal(s.pointsWritten, 0);
    const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
    assert.equal(warn?.fields?.reason, 'unparsable');
    assert.match(String(warn?.fields?.first_line), /^m,k=t v=\d+i /);
    figures.push(`request_level_400_lost=0 all_lines_unparsable_dropped=${s.pointsDropped.unparsable}`);
  });

  test('figures', () => {
    console.log(`faults: outputs ${figures.join(' ')}`);
    assert.equal(figures.length, 6);
  });
});
