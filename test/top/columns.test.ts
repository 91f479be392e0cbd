import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COLUMNS, fitColumns, renderHeader, renderRow } from '../../src/top/columns.js';
import type { TopRow } from '../../src/top/rates.js';

const row: TopRow = {
  id: 'x', name: 'a-rather-long-container-name-for-testing', labels: {}, cpuPercent: 123.4, cpuPercentOfLimit: 61.7, memUsage: 300 * 1024 * 1024,
  memLimit: 1024 ** 3, netRxPerS: 1e6, netTxPerS: 2e3, blkReadPerS: 5e5, blkWritePerS: 0, ctxPerS: 12_000, faultsPerS: 3, pids: 12,
};

const titles = (width: number, longest = 20) => fitColumns(width, longest).columns.map((c) => c.title);

test('a wide terminal shows every column', () => {
  assert.deepEqual(titles(200), COLUMNS.map((c) => c.title));
});

test('a narrow terminal drops columns by priority, NAME, CPU% and memory last', () => {
  const at80 = titles(80);
  assert.ok(at80.includes('NAME') && at80.includes('CPU%') && at80.includes('MEM USAGE / LIMIT') && at80.includes('PIDS'));
  assert.ok(!at80.includes('BLK W/s'));
  assert.deepEqual(titles(40), ['NAME', 'CPU%', 'MEM USAGE / LIMIT']);
  assert.deepEqual(titles(20), ['NAME', 'CPU%']);
  assert.deepEqual(titles(5), ['NAME']);
  // Dropping follows priority: whatever is kept at a width is kept at every wider one.
  for (const longest of [8, 20, 40]) {
    for (let w = 10; w < 200; w++) for (const t of titles(w, longest)) assert.ok(titles(w + 1, longest).includes(t), `${t} shown at ${w} but not ${w + 1}`);
  }
});

test('a readable name is worth more than block I/O columns', () => {
  const layout = fitColumns(120, 25);
  assert.equal(layout.nameWidth, 25);
  assert.ok(!layout.columns.some((c) => c.title === 'BLK W/s'));
  assert.ok(layout.columns.some((c) => c.title === 'CTX/s'));
});

test('NAME is sized to the longest name and cut with an ellipsis when the terminal is short of room', () => {
  const wide = fitColumns(200, 12);
  assert.equal(wide.nameWidth, 12);
  const line = renderRow(fitColumns(30, row.name.length), row, 30);
  assert.ok(line.startsWith('a-rather-long') && line.includes('…'), line);
});

test('every header and row fits the width, whatever the width and the values', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 250 }), fc.string({ maxLength: 80 }), fc.option(fc.double({ min: 0, max: 1e15, noNaN: true }), { nil: undefined }), (width, name, value) => {
      const r: TopRow = { ...row, name, cpuPercent: value, memUsage: value, netRxPerS: value, ctxPerS: value };
      const layout = fitColumns(width, [...name].length);
      assert.ok([...renderHeader(layout, width)].length <= width);
      assert.ok([...renderRow(layout, r, width)].length <= width);
    }),
  );
});
