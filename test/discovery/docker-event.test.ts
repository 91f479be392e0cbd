import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, parseContainerEvent, sinceParameter } from '../../src/discovery/docker-event.js';
import { backoffDelay } from '../../src/discovery/event-stream.js';

const ID = 'd'.repeat(64);
const line = (action: string, attrs: Record<string, string>, timeNano = '1795323020179123456') =>
  `{"status":"${action}","id":"${ID}","from":"busybox","Type":"container","Action":"${action}","Actor":{"ID":"${ID}","Attributes":${JSON.stringify(attrs)}},"scope":"local","time":1795323020,"timeNano":${timeNano}}`;

test('a die event with exit code, labels and exact nanoseconds', () => {
  const e = parseContainerEvent(line('die', { exitCode: '3', image: 'busybox', name: 'web', team: 'pay', execDuration: '1' }));
  assert.deepEqual(e, {
    time: 1795323020179,
    timeNano: 1795323020179123456n,
    action: 'die',
    id: ID,
    name: 'web',
    exitCode: 3,
    labels: { team: 'pay' },
    image: 'busybox',
  });
});

test('health_status carries the status as message; kill the signal; rename the old name', () => {
  assert.equal(parseContainerEvent(line('health_status: unhealthy', { name: 'web' }))?.action, 'health_status');
  assert.equal(parseContainerEvent(line('health_status: unhealthy', { name: 'web' }))?.message, 'unhealthy');
  assert.equal(parseContainerEvent(line('kill', { name: 'web', signal: '15' }))?.message, 'signal 15');
  assert.equal(parseContainerEvent(line('rename', { name: 'new', oldName: '/old' }))?.message, 'renamed from old');
});

test('noise and garbage are dropped', () => {
  assert.equal(parseContainerEvent(line('exec_start: sh -c true', { name: 'web' })), undefined);
  assert.equal(parseContainerEvent(line('attach', { name: 'web' })), undefined);
  assert.equal(parseContainerEvent('{"Type":"network","Action":"connect","Actor":{"ID":"x"}}'), undefined);
  assert.equal(parseContainerEvent('{not json'), undefined);
  assert.equal(parseContainerEvent('null'), undefined);
  assert.equal(parseContainerEvent('{"Type":"container","Action":"start"}'), undefined);
});

test('lines split across and joined within chunks', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\n\n{"c":3}\n'), ['{"b":2}', '{"c":3}']);
  assert.deepEqual(s.push(''), []);
});

test('since keeps nanoseconds', () => {
  assert.equal(sinceParameter(1795323020000000042n), '1795323020.000000042');
});

test('backoff doubles from the initial delay, is capped, and jitters within [½, 1]', () => {
  const opts = { initialMs: 250, maxMs: 30_000 };
  assert.equal(backoffDelay(0, opts, () => 1), 250);
  assert.equal(backoffDelay(0, opts, () => 0), 125);
  assert.equal(backoffDelay(3, opts, () => 1), 2000);
  assert.equal(backoffDelay(20, opts, () => 1), 30_000);
  assert.equal(backoffDelay(1000, opts, () => 0), 15_000);
});
