// Start-up failures of the real daemon end the process with a clear line and a non-zero code,
// instead of leaving a process that looks alive and does nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { DaemonProcess, TestRun, runCli, writeConfig } from './harness.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

describe('e2e: start-up failures', () => {
  const run = new TestRun('start');
  before(requireDocker);
  after(() => run.cleanup());

  test('http.listen taken: "cannot start" with the address and the fix, exit 1 at once', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const listen = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
    try {
      const configFile = join(run.dir, 'cgflux.yaml');
      writeConfig(configFile, { ...(await run.config([{ type: 'stdout' }])), http: { listen } });
      const t0 = Date.now();
      const res = await runCli(['run', '--config', configFile], 15_000);
      assert.equal(res.code, 1, res.stderr);
      assert.ok(Date.now() - t0 < 10_000, `exits at once, took ${Date.now() - t0} ms`);
      const lines = res.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0], new RegExp(`ERROR .*cannot start: cannot listen on ${listen} .*already in use.*change http.listen`));
      assert.equal(res.stdout, '');
    } finally {
      taken.close();
    }
  });

  test('node started without the shipped flags: one INFO line names them; with them, none', async () => {
    for (const flags of [[], NODE_FLAGS]) {
      const configFile = join(run.dir, `flags-${flags.length}.yaml`);
      const d = await DaemonProcess.start(await run.config([{ type: 'stdout' }]), configFile, flags);
      try {
        // The hint is written right after "cgflux started"; its absence is checked 200 ms on.
        if (flags.length === 0) await d.waitForLog(/node runs with /, 5_000);
        else await new Promise((r) => setTimeout(r, 200));
        const hints = d.log.split('\n').filter((l) => /node runs with /.test(l));
        if (flags.length === 0) {
          assert.equal(hints.length, 1, d.log);
          assert.match(hints[0], new RegExp(`INFO .*node ${NODE_FLAGS.join(' ')} `));
        } else assert.deepEqual(hints, [], d.log);
      } finally {
        await d.stop();
      }
    }
  });
});
