import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerFilter } from '../../src/discovery/container-filter.js';
import { globToRegExp } from '../../src/glob.js';

const rules = (names: string[] = [], labels: string[] = []) => ({ names, labels });

test('globs: * and ? anchored, regex characters literal', () => {
  assert.ok(globToRegExp('web-*').test('web-1'));
  assert.ok(!globToRegExp('web-*').test('xweb-1'));
  assert.ok(globToRegExp('db?').test('db1'));
  assert.ok(!globToRegExp('db?').test('db12'));
  assert.ok(globToRegExp('a.b').test('a.b'));
  assert.ok(!globToRegExp('a.b').test('axb'));
  assert.ok(globToRegExp('(x)+').test('(x)+'));
});

test('no rules admit everything in the configured states', () => {
  const f = new ContainerFilter({ include: rules(), exclude: rules(), states: ['running'] });
  assert.ok(f.admits('anything', {}, 'running'));
  assert.ok(!f.admits('anything', {}, 'exited'));
  assert.deepEqual(f.wantedStates(), ['running']);
});

test('empty states admit every state', () => {
  const f = new ContainerFilter({ include: rules(), exclude: rules(), states: [] });
  assert.ok(f.admits('x', {}, 'exited'));
  assert.deepEqual(f.wantedStates(), []);
});

test('include by name or label; exclusion wins', () => {
  const f = new ContainerFilter({
    include: rules(['web-*'], ['team=pay*', 'monitor']),
    exclude: rules(['*-debug'], ['cgflux.ignore']),
    states: ['running'],
  });
  assert.ok(f.admitsIdentity('web-1', {}));
  assert.ok(f.admitsIdentity('db', { team: 'payments' }));
  assert.ok(f.admitsIdentity('db', { monitor: '' }));
  assert.ok(!f.admitsIdentity('db', { team: 'search' }));
  assert.ok(!f.admitsIdentity('db', {}));
  assert.ok(!f.admitsIdentity('web-debug', {}));
  assert.ok(!f.admitsIdentity('web-1', { 'cgflux.ignore': 'true' }));
});

test('a label rule with a value never matches a missing label', () => {
  const f = new ContainerFilter({ include: rules(), exclude: rules([], ['env=*']), states: [] });
  assert.ok(f.admitsIdentity('x', {}));
  assert.ok(!f.admitsIdentity('x', { env: '' }));
});
