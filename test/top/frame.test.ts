import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame } from '../../src/top/frame.js';
import { NO_PROCESS_SOURCE_MESSAGE, type ProcessSource } from '../../src/top/processes.js';
import type { TopRow } from '../../src/top/rates.js';
import { frameBytes } from '../../src/top/terminal.js';
import { initialState } from '../../src/top/view-state.js';

const rows: TopRow[] = Array.from({ length: 30 }, (_, i) => ({ id: `id${i}`, name: `app-${i}`, labels: { n: String(i % 3) }, cpuPercent: i, memUsage: 1000 * (30 - i), pids: 1 }));

test('a terminal frame fills the height: title, header, the rows that fit, the keys line', () => {
  const f = buildFrame({ rows, state: initialState(), width: 100, height: 10 });
  assert.equal(f.lines.length, 10);
  assert.match(f.lines[0], /30 containers · sort: CPU/);
  assert.equal(f.headerLine, 1);
  assert.match(f.lines[1], /^NAME/);
  assert.match(f.lines[2], /^app-29 /);
  assert.match(f.lines[9], /q quit/);
  assert.equal(f.visibleIds.length, 30);
  for (const l of f.lines) assert.ok(l.length <= 100);
});

test('plain output lists every row without a keys line', () => {
  const f = buildFrame({ rows, state: initialState('name'), width: Infinity });
  assert.equal(f.lines.length, 32);
  assert.match(f.lines[2], /^app-0 /);
});

test('the view scrolls to keep the selected row visible and marks it', () => {
  const f = buildFrame({ rows, state: { ...initialState(), selectedId: 'id5' }, width: 100, height: 10 });
  assert.ok(f.selectedLine !== undefined);
  assert.match(f.lines[f.selectedLine!], /^app-5 /);
  assert.ok(frameBytes(f).includes('\x1b[7mapp-5 '));
});

test('the filter narrows the rows and says so', () => {
  const f = buildFrame({ rows, state: { ...initialState(), filter: 'n=0' }, width: 120 });
  assert.equal(f.visibleIds.length, 10);
  assert.match(f.lines[0], /10 of 30 containers .* filter: n=0/);
  const none = buildFrame({ rows, state: { ...initialState(), filter: 'zzz' }, width: 120 });
  assert.match(none.lines[2], /no container matches/);
});

test('the processes view shows the source\'s processes, or says what it needs', () => {
  const state = { ...initialState(), selectedId: 'id3', mode: 'processes' as const };
  const without = buildFrame({ rows, state, width: 120, height: 20 });
  assert.ok(without.lines.some((l) => l.includes(NO_PROCESS_SOURCE_MESSAGE)));
  const source: ProcessSource = { processes: (id) => (id === 'id3' ? [{ pid: 42, name: 'sh', cpuPercent: 12.5, rssBytes: 2048, threads: 1, state: 'S', command: 'sh -c "sleep\n1"' }] : undefined) };
  const f = buildFrame({ rows, state, width: 120, height: 20, processes: source });
  assert.match(f.lines[1], /processes of app-3/);
  assert.match(f.lines[2], /PID +CPU% +RSS/);
  assert.match(f.lines[3], /42 +12\.50% +2\.00KiB .* sh -c "sleep\?1"/);
});
