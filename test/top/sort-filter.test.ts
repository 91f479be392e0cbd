import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from '../../src/top/filter.js';
import { sortKeyById, sortRows } from '../../src/top/sort.js';
import type { TopRow } from '../../src/top/rates.js';

const r = (name: string, over: Partial<TopRow> = {}): TopRow => ({ id: name, name, labels: {}, ...over });
const names = (rows: TopRow[]) => rows.map((x) => x.name);

test('numbers sort largest first, absent last, ties by name; reverse flips the values only', () => {
  const rows = [r('b', { cpuPercent: 5 }), r('a', { cpuPercent: 5 }), r('c'), r('d', { cpuPercent: 50 })];
  const cpu = sortKeyById('cpu')!;
  assert.deepEqual(names(sortRows(rows, cpu)), ['d', 'a', 'b', 'c']);
  assert.deepEqual(names(sortRows(rows, cpu, true)), ['a', 'b', 'd', 'c']);
});

test('names sort in natural order', () => {
  const rows = [r('web-10'), r('web-2'), r('db'), r('web-1')];
  assert.deepEqual(names(sortRows(rows, sortKeyById('name')!)), ['db', 'web-1', 'web-2', 'web-10']);
  assert.deepEqual(names(sortRows(rows, sortKeyById('name')!, true)), ['web-10', 'web-2', 'web-1', 'db']);
});

test('network and block sort by the sum of both directions', () => {
  const rows = [r('a', { netRxPerS: 10, netTxPerS: 100 }), r('b', { netRxPerS: 50 }), r('c')];
  assert.deepEqual(names(sortRows(rows, sortKeyById('net')!)), ['a', 'b', 'c']);
});

test('the filter matches parts of names and label=value with globs; every word must match', () => {
  const web = { name: 'shop-web-1', labels: { 'com.docker.compose.project': 'shop', tier: 'front' } };
  const db = { name: 'shop-db-1', labels: { 'com.docker.compose.project': 'shop' } };
  const match = (text: string) => [web, db].filter(compileFilter(text)).map((c) => c.name);
  assert.deepEqual(match(''), ['shop-web-1', 'shop-db-1']);
  assert.deepEqual(match('WEB'), ['shop-web-1']);
  assert.deepEqual(match('com.docker.compose.project=shop'), ['shop-web-1', 'shop-db-1']);
  assert.deepEqual(match('tier=fr*'), ['shop-web-1']);
  assert.deepEqual(match('shop tier=back'), []);
  assert.deepEqual(match('nothing'), []);
});
