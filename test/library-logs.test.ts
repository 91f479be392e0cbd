import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Log } from '@influxdata/influxdb-client';
import { configureLogging } from '../src/log.js';
import { routeLibraryLogs } from '../src/library-logs.js';

test("library log lines and node warnings come out through cgflux's logger, in its format and level", async () => {
  const lines: string[] = [];
  configureLogging({ level: 'warn', format: 'json', write: (l) => lines.push(l) });
  try {
    routeLibraryLogs();
    Log.warn('Write to InfluxDB returns: hinted handoff queue not empty');
    Log.error('cannot write', new Error('boom'));
    process.emitWarning('something odd', 'OddWarning');
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => [r.level, r.component, r.msg]), [
      ['warn', 'influxdb-client', 'Write to InfluxDB returns: hinted handoff queue not empty'],
      ['error', 'influxdb-client', 'cannot write'],
      ['warn', 'node', 'something odd'],
    ]);
    assert.equal(records[1].error, 'boom');
    assert.equal(records[2].warning, 'OddWarning');
    configureLogging({ level: 'error', format: 'text', write: (l) => lines.push(l) });
    Log.warn('below the level');
    assert.equal(lines.length, 3);
  } finally {
    configureLogging({ level: 'info', format: 'text' });
  }
});
