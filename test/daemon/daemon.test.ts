import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultOutput } from '../../src/config/outputs.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runDaemon, type DaemonControl } from '../../src/daemon/daemon.js';

describe('runDaemon', () => {
  test('a stop that rejects still ends main(): exit code 1, not a promise left pending', async () => {
    const config = { ...defaultConfig('h'), outputs: [defaultOutput('stdout')] };
    let stops = 0;
    const daemon: DaemonControl = {
      start: async () => {},
      stop: async () => {
        stops++;
        throw new Error('the spool could not be closed');
      },
      reload: async () => {},
      release: async () => {},
    };
    const run = runDaemon(config, {}, () => daemon);
    await new Promise((r) => setImmediate(r));
    process.emit('SIGTERM', 'SIGTERM');
    const code = await Promise.race([run, new Promise((r) => setTimeout(() => r('pending'), 2000))]);
    assert.equal(code, 1);
    assert.equal(stops, 1);
  });
});
