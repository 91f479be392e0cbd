import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockDevices, parseUeventDevname } from '../../src/sampler/block-devices.js';

test('parseUeventDevname reads DEVNAME anywhere in the file', () => {
  assert.equal(parseUeventDevname('MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n'), 'sda');
  assert.equal(parseUeventDevname('DEVNAME=mapper/x'), 'mapper/x');
  assert.equal(parseUeventDevname('MAJOR=8\nMY_DEVNAME=no\n'), undefined);
  assert.equal(parseUeventDevname('DEVNAME=\n'), undefined);
  assert.equal(parseUeventDevname(''), undefined);
});

test('resolves and caches names (same frozen tags object each time); unresolved retried after the delay', () => {
  const sys = mkdtempSync(join(tmpdir(), 'cgflux-sys-'));
  let now = 1000;
  try {
    mkdirSync(`${sys}/dev/block/8:0`, { recursive: true });
    writeFileSync(`${sys}/dev/block/8:0/uevent`, 'MAJOR=8\nMINOR=0\nDEVNAME=sda\n');
    const devices = new BlockDevices(sys, 60_000, () => now);
    const tags = devices.tags('8:0');
    assert.deepEqual(tags, { device: '8:0', device_name: 'sda' });
    assert.ok(Object.isFrozen(tags));
    rmSync(`${sys}/dev/block/8:0`, { recursive: true });
    assert.equal(devices.tags('8:0'), tags, 'cached: no file read per tick');

    assert.deepEqual(devices.tags('8:16'), { device: '8:16' });
    mkdirSync(`${sys}/dev/block/8:16`, { recursive: true });
    writeFileSync(`${sys}/dev/block/8:16/uevent`, 'DEVNAME=sdb\n');
    now += 59_000;
    assert.equal(devices.name('8:16'), undefined, 'not retried before the delay');
    now += 2_000;
    assert.equal(devices.name('8:16'), 'sdb');
  } finally {
    rmSync(sys, { recursive: true, force: true });
  }
});
