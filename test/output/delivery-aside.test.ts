// No batch holds back the ones behind it: a batch that keeps failing while the next one is
// accepted is set aside (on disk, counted) and retried whenever the spool is empty; when the
// server refuses everything, nothing is set aside and the order is kept.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Output } from '../../src/output/output.js';
import { splitLines } from '../../src/encode/split-lines.js';
import { ScriptedServer, type Script } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, points, tempSpool, v2Config, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const T = 1_700_000_000_000;
const cfg = (url: string) => v2Config(url, { retry: { initial_ms: 20, max_ms: 400 }, batch: { max_lines: 1000, max_bytes: 1 << 20, flush_interval_ms: 10 } });

async function setup(script: Script, spool = tempSpool()) {
  const server = await ScriptedServer.start(script);
  const log = captureLog();
  const output = new Output(cfg(server.url), spool, { log });
  cleanups.push(() => server.close(), () => output.close());
  return { server, output, log, spool };
}

/** Lines a server accepted (2xx), in order. */
const accepted = (server: ScriptedServer, status: (i: number) => number) =>
  server.requests.flatMap((r, i) => (status(i) < 300 ? splitLines(r.body) : []));

describe('delivery: set aside', () => {
  test('a batch a proxy keeps refusing is set aside once newer data goes through; newer ticks flow; it is delivered later', async () => {
    let refusePoison = true;
    const statuses: number[] = [];
    const { server, output, log } = await setup((r) => {
      const status = refusePoison && r.body.includes('k=poison') ? 400 : 204;
      statuses.push(status);
      return status === 400 ? { status, body: '<html>400 Bad Request</html>' } : { status };
    });
    output.write(points(5, 'poison'), T);
    await waitFor('the first refusal', 3000, () => server.requests.length >= 1);
    for (let tick = 1; tick <= 5; tick++) {
      output.write(points(3, `tick${tick}`), T + tick * 1000);
      await waitFor(`tick ${tick} delivered`, 3000, () => accepted(server, (i) => statuses[i]).some((l) => l.startsWith(`m,k=tick${tick} v=2i`)));
    }
    let s = output.stats();
    assert.equal(s.pointsSetAside, 5);
    assert.equal(s.spoolAsidePoints, 5);
    assert.equal(linesDropped(s), 0, 'nothing dropped: a refusal that names no line keeps the data');
    assert.equal(log.count('warn', 'set aside'), 1);
    refusePoison = false;
    await waitFor('the set-aside batch delivered', 5000, () => output.stats().spoolPoints === 0);
    s = output.stats();
    assert.equal(s.pointsWritten, 5 + 15);
    const lines = accepted(server, (i) => statuses[i]);
    for (const l of [...points(5, 'poison').map((p) => `${p} ${T}`)]) assert.equal(lines.filter((x) => x === l).length, 1, l);
  });

  test('401 for everything: nothing is set aside, every batch stays in order', async () => {
    let refuse = true;
    const statuses: number[] = [];
    const { server, output } = await setup(() => {
      statuses.push(refuse ? 401 : 204);
      return refuse ? { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' } : { status: 204 };
    });
    output.write(points(4, 'a'), T);
    await waitFor('a refusal', 3000, () => server.requests.length >= 1);
    output.write(points(4, 'b'), T + 1000);
    output.write(points(4, 'c'), T + 2000);
    await waitFor('several attempts and probes', 5000, () => server.requests.length >= 5);
    assert.equal(output.stats().pointsSetAside, 0);
    assert.equal(output.stats().spoolPoints, 12);
    refuse = false;
    await waitFor('delivery', 5000, () => output.stats().spoolPoints === 0);
    const delivered = accepted(server, (i) => statuses[i]);
    assert.deepEqual(delivered.map((l) => l.split(' ')[0]), [...Array(4).fill('m,k=a'), ...Array(4).fill('m,k=b'), ...Array(4).fill('m,k=c')], 'oldest first');
  });

  test('a set-aside batch is on disk: it survives a restart and is delivered then', async () => {
    const spool = tempSpool();
    cleanups.push(() => spool.cleanup());
    const first = await setup((r) => (r.body.includes('k=poison') ? { status: 500, body: '{"message":"internal error"}' } : { status: 204 }), spool);
    first.output.write(points(6, 'poison'), T);
    await waitFor('the first failure', 3000, () => first.server.requests.length >= 1);
    first.output.write(points(2, 'fresh'), T + 1000);
    await waitFor('set aside', 5000, () => first.output.stats().pointsSetAside === 6);
    await first.output.close();
    const second = await setup(() => ({ status: 204 }), spool);
    await waitFor('delivered after the restart', 5000, () => second.output.stats().pointsWritten === 6);
    assert.deepEqual(second.server.requests.flatMap((r) => splitLines(r.body)), points(6, 'poison').map((p) => `${p} ${T}`));
  });
});
