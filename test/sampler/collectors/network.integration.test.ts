// Real container (--network none: only `lo`) making loopback traffic with busybox nc and ping:
// the `lo` row must equal what iproute2 reports for the namespace (netlink, independent of
// /proc/<pid>/net/dev) once the container is idle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createNetworkCollector } from '../../../src/sampler/collectors/network.js';
import { removeContainer, startContainer, uniqueName } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';
import { view } from './fixture-context.js';
import { realHarness, waitForOutput } from './real-container.js';

const run = promisify(execFile);
const SENT = 200_000;
let id = '';

before(async () => {
  await requireDocker();
});

after(async () => {
  if (id) await removeContainer(id);
});

interface LinkStats { ifname: string; stats64: { rx: Record<string, number>; tx: Record<string, number> } }

test('loopback traffic: the lo row equals `ip -s link` in the container namespace; excluded by default', async (t) => {
  id = await startContainer({
    name: uniqueName('net'),
    // `wait` lets the listener finish, so nothing moves on lo after "idle"
    script:
      `(sleep 1 | nc -l -p 9000 >/dev/null) & sleep 0.3; head -c ${SENT} /dev/zero | nc 127.0.0.1 9000; ` +
      'ping -c 10 -i 0.05 -s 1000 127.0.0.1 >/dev/null; wait; echo idle; sleep 600',
  });
  await waitForOutput(id, 'idle');
  const h = await realHarness(id);
  const withLo = createNetworkCollector({ include_loopback: true });
  const rows = view(h.collect(withLo));
  const { stdout } = await run('nsenter', ['-t', String(h.pid), '-n', 'ip', '-s', '-j', 'link', 'show', 'lo']);
  const lo = (JSON.parse(stdout) as LinkStats[])[0];
  assert.equal(h.errors.total(), 0, JSON.stringify(h.errors.entries()));

  const expected = {
    rx_bytes: BigInt(lo.stats64.rx.bytes), rx_packets: BigInt(lo.stats64.rx.packets),
    rx_errors: BigInt(lo.stats64.rx.errors), rx_dropped: BigInt(lo.stats64.rx.dropped),
    tx_bytes: BigInt(lo.stats64.tx.bytes), tx_packets: BigInt(lo.stats64.tx.packets),
    tx_errors: BigInt(lo.stats64.tx.errors), tx_dropped: BigInt(lo.stats64.tx.dropped),
  };
  t.diagnostic(`lo: rx ${expected.rx_bytes} B / ${expected.rx_packets} packets, tx ${expected.tx_bytes} B / ${expected.tx_packets} packets`);
  assert.ok(expected.rx_bytes > BigInt(SENT + 10 * 1000 * 2), `ip reports only ${expected.rx_bytes} B on lo`);
  // --network none: lo is the only interface; the total then includes it
  assert.deepEqual(rows, [[{ network: 'lo' }, expected], [{ network: 'total' }, expected]]);

  const withoutLo = createNetworkCollector({ include_loopback: false });
  const zero = { rx_bytes: 0n, rx_packets: 0n, rx_errors: 0n, rx_dropped: 0n, tx_bytes: 0n, tx_packets: 0n, tx_errors: 0n, tx_dropped: 0n };
  assert.deepEqual(view(h.collect(withoutLo)), [[{ network: 'total' }, zero]]);

  // the init process dies: no row (the kept net/dev alone would go on reading the dead namespace);
  // the kept /proc/<pid>/oom_score_adj fails, which is what makes the sampler drop the container's sample
  await removeContainer(id);
  assert.deepEqual(h.collect(withLo), []);
  assert.deepEqual(h.errors.entries(), [['network', 'vanished', 1]]);
});
