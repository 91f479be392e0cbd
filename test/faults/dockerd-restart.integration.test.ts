// dockerd stopped and started again under the running daemon (a PRIVATE dockerd: the shared one
// serves other tests). While it is down the daemon keeps ticking (host rows), does not crash, and
// says so in /metrics; once it is back, containers are sampled again within 5 s.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireDocker, TEST_IMAGE } from '../support/services.js';
import { PrivateDockerd } from '../discovery/private-dockerd.js';
import { DaemonProcess, TestRun, sleep } from '../e2e/harness.js';

const RESUME_BOUND_MS = 5000;

/** container_name → tick timestamps (ms) of its docker_container_cpu rows on stdout. */
function cpuPoints(stdout: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('docker_container_cpu,')) continue;
    const name = /,container_name=([^, ]+)/.exec(line)?.[1];
    const ts = Number(BigInt(line.slice(line.lastIndexOf(' ') + 1)) / 1_000_000n);
    if (name) out.set(name, [...(out.get(name) ?? []), ts]);
  }
  return out;
}

function hostTicks(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('host_cpu,'))
    .map((l) => Number(BigInt(l.slice(l.lastIndexOf(' ') + 1)) / 1_000_000n));
}

describe('faults: dockerd stopped and started again', () => {
  const run = new TestRun('faults-dockerd');
  const dockerd = new PrivateDockerd(`faults-${process.pid}`);
  let daemon: DaemonProcess | undefined;

  before(async () => {
    await requireDocker();
    await dockerd.start();
    await dockerd.loadTestImage();
  });
  after(async () => {
    await daemon?.ensureGone();
    await dockerd.destroy();
    await run.cleanup();
  });

  test('no crash while it is down; containers sampled again within 5 s of dockerd answering', async () => {
    // --restart always: dockerd starts it again when it comes back; --stop-timeout 1: sh ignores SIGTERM.
    const runOn = (name: string, restart: string[] = []) =>
      dockerd.docker('run', '-d', '--network', 'none', '--stop-timeout', '1', ...restart, '--name', name, TEST_IMAGE, 'sh', '-c', 'sleep 600');
    await runOn('steady', ['--restart', 'always']);
    const config = await run.config([{ type: 'stdout' }], {});
    config.docker = { socket: dockerd.host };
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    await d.until('the container sampled', 10_000, async () => (cpuPoints(d.output).get('steady')?.length ?? 0) >= 2);

    await dockerd.stop('SIGTERM');
    const downAt = Date.now();
    await d.until('dockerd seen down', 10_000, async () => (await d.metric('docker_connected')) === 0);
    const ticksBefore = await d.metric('ticks_total');
    // 12 s: long enough for a reconnect backoff without a low cap to wait far past dockerd's return.
    await sleep(12_000);
    assert.equal(d.exit, undefined, `the daemon is still running; log:\n${d.log}`);
    const ticksDown = (await d.metric('ticks_total')) - ticksBefore;
    assert.ok(ticksDown >= 10, `${ticksDown} ticks in 12 s while dockerd was down`);
    const hostWhileDown = hostTicks(d.output).filter((t) => t > downAt + 1000).length;
    assert.ok(hostWhileDown >= 9, `host rows kept coming while dockerd was down: ${hostWhileDown}`);

    await dockerd.start();
    const backAt = Date.now();
    await runOn('after');
    await d.until('containers sampled again', 15_000, async () => {
      const p = cpuPoints(d.output);
      return (p.get('after') ?? []).some((t) => t > backAt) && (p.get('steady') ?? []).some((t) => t > backAt);
    });
    const p = cpuPoints(d.output);
    const firstAfter = Math.min(...[...p.values()].flat().filter((t) => t > backAt));
    // The tick slot is the moment it sampled: the first container row after dockerd answered.
    const resumeMs = firstAfter - backAt;
    await d.until('docker_connected back to 1', 5000, async () => (await d.metric('docker_connected')) === 1);
    const reconnects = await d.metric('docker_reconnects_total').catch(() => -1);
    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
    console.log(`faults: dockerd down_ms=${backAt - downAt} ticks_while_down=${ticksDown} resume_ms=${resumeMs} reconnects=${reconnects} crashes=0`);
    assert.ok(resumeMs <= RESUME_BOUND_MS, `sampling resumed ${resumeMs} ms after dockerd was back`);
  });
});
