// Line-level rejections through the real Output against scripted servers that answer as InfluxDB
// 1.x and 3.x do: exactly the rejected lines are dropped, by reason; lines the server names are
// not found by bisection, and lines it already wrote are not sent again.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Output } from '../../src/output/output.js';
import { BatchAttempt, type AttemptIo } from '../../src/output/batch-attempt.js';
import type { SendOutcome } from '../../src/output/sender.js';
import { DeliveryCounters } from '../../src/output/stats.js';
import { splitLines } from '../../src/encode/split-lines.js';
import { ScriptedServer, type Script } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, tempSpool, v2Config, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(script: Script) {
  const server = await ScriptedServer.start(script);
  const spool = tempSpool();
  const log = captureLog();
  const output = new Output(v2Config(server.url, { batch: { max_lines: 1000, max_bytes: 1 << 20, flush_interval_ms: 20 } }), spool, { log });
  cleanups.push(() => spool.cleanup(), () => server.close(), () => output.close());
  return { server, output, log };
}

const TC = "invalid column type for column 'temp', expected iox::column_type::field::float, got iox::column_type::field::string";
const good = (n: number) => Array.from({ length: n }, (_, i) => `home,room=r${i} temp=${i}.5 ${1_735_545_600 + i}`);
const bad = (i: number) => `home,room=b${i} temp="hi" ${1_735_549_200 + i}`;

/** Lines the emulated server stored, in arrival order. */
function storage() {
  const stored: string[] = [];
  return { stored, count: (line: string) => stored.filter((l) => l === line).length };
}

describe('line-level rejections', () => {
  test('InfluxDB 3 partial write: the named lines are dropped, one request, nothing sent twice', async () => {
    const db = storage();
    const { server, output, log } = await setup((r) => {
      const lines = splitLines(r.body);
      const data = lines.flatMap((l, i) => (l.includes('temp="hi"') ? [{ original_line: l, line_number: i + 1, error_message: TC }] : []));
      db.stored.push(...lines.filter((l) => !l.includes('temp="hi"')));
      return data.length === 0 ? { status: 204 } : { status: 400, body: JSON.stringify({ error: 'partial write of line protocol occurred', data }) };
    });
    const all = [...good(30)];
    for (const at of [0, 7, 8, 29]) all.splice(at, 0, bad(at));
    output.writeLines(all);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten + linesDropped(output.stats()) === all.length);
    const s = output.stats();
    assert.equal(s.pointsDropped.type_conflict, 4);
    assert.equal(s.pointsWritten, 30);
    assert.equal(server.requests.length, 1, 'no bisection, no resend of what the server wrote');
    for (const l of good(30)) assert.equal(db.count(l), 1, l);
    assert.equal(s.spoolPoints, 0);
    const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
    assert.equal(warn?.fields?.reason, 'type_conflict');
    assert.equal(warn?.fields?.points_rejected, 4);
    assert.equal(warn?.fields?.first_line, bad(0));
  });

  test('InfluxDB 3 with accept_partial=false: the named line is dropped, the rest sent again (nothing was written)', async () => {
    const db = storage();
    const { server, output } = await setup((r) => {
      const lines = splitLines(r.body);
      const first = lines.findIndex((l) => l.includes('temp="hi"'));
      if (first < 0) {
        db.stored.push(...lines);
        return { status: 204 };
      }
      return { status: 400, body: JSON.stringify({ error: 'parsing failed for write_lp endpoint', data: { original_line: lines[first], line_number: first + 1, error_message: TC } }) };
    });
    const all = [...good(20)];
    all.splice(5, 0, bad(5));
    all.splice(15, 0, bad(15));
    output.writeLines(all);
    await waitFor('delivery', 5000, () => output.stats().pointsWritten + linesDropped(output.stats()) === all.length);
    assert.equal(output.stats().pointsDropped.type_conflict, 2);
    assert.equal(server.requests.length, 3, 'one request per named line, then the rest');
    assert.deepEqual(db.stored, good(20));
  });

  test('InfluxDB 1.x says as many dropped as were sent: the whole batch goes in one request', async () => {
    const { server, output } = await setup((r) => {
      const n = splitLines(r.body).length;
      return { status: 400, body: JSON.stringify({ error: `partial write: points beyond retention policy dropped=${n}` }) };
    });
    output.writeLines(good(50));
    await waitFor('rejection', 5000, () => output.stats().pointsDropped.beyond_retention === 50);
    assert.equal(server.requests.length, 1);
    assert.equal(output.stats().pointsWritten, 0);
    assert.equal(output.stats().spoolPoints, 0);
  });
});

describe('a spooled batch sent as its body', () => {
  const io = (answers: Array<(body: string) => SendOutcome>, sent: string[]): AttemptIo => ({
    send: async (body) => {
      sent.push(body);
      return (answers.shift() ?? (() => ({ kind: 'ok' }) as SendOutcome))(body);
    },
    counters: new DeliveryCounters(),
    target: 'test',
    stopped: () => false,
    accepted: () => {},
  });

  test('accepted: the stored body goes out as it is, once, and every line counts as delivered', async () => {
    const body = good(4).join('\n');
    const sent: string[] = [];
    const attempt = BatchAttempt.ofBody(body, 4);
    const failure = await attempt.run(io([], sent));
    assert.equal(failure, undefined);
    assert.deepEqual(sent, [body]);
    assert.equal(attempt.done, true);
    assert.equal(attempt.remainingCount, 0);
  });

  test('a failure that is not about lines keeps the whole batch for the retry', async () => {
    const body = good(3).join('\n');
    const sent: string[] = [];
    const attempt = BatchAttempt.ofBody(body, 3);
    const failure = await attempt.run(io([() => ({ kind: 'retry', errorClass: 'http_5xx', message: '503' }) as SendOutcome], sent));
    assert.equal(failure?.kind, 'retry');
    assert.equal(attempt.remainingCount, 3);
    assert.deepEqual(attempt.remaining(), good(3));
  });

  test('too large: the body is cut into lines and halved, nothing lost or sent twice', async () => {
    const lines = good(4);
    const sent: string[] = [];
    const attempt = BatchAttempt.ofBody(lines.join('\n'), 4);
    const failure = await attempt.run(io([() => ({ kind: 'too_large', message: '413' }) as SendOutcome], sent));
    assert.equal(failure, undefined);
    assert.deepEqual(sent, [lines.join('\n'), lines.slice(0, 2).join('\n'), lines.slice(2).join('\n')]);
    assert.equal(attempt.remainingCount, 0);
  });
});
