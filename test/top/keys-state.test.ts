import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKeys, type Key } from '../../src/top/keys.js';
import { initialState, reduce, type ViewState } from '../../src/top/view-state.js';

test('bytes from the terminal become keys; unknown sequences are dropped whole', () => {
  assert.deepEqual(decodeKeys('q'), [{ name: 'char', char: 'q' }]);
  assert.deepEqual(decodeKeys('\x1b[A\x1bOB\r\x7f\x03'), [{ name: 'up' }, { name: 'down' }, { name: 'enter' }, { name: 'backspace' }, { name: 'ctrl-c' }]);
  assert.deepEqual(decodeKeys('\x1b[5~\x1b[6~\x1b[1;5A'), [{ name: 'pageup' }, { name: 'pagedown' }, { name: 'up' }]);
  assert.deepEqual(decodeKeys('\x1b'), [{ name: 'escape' }]);
  assert.deepEqual(decodeKeys('\x1b[99zq'), [{ name: 'char', char: 'q' }]);
});

const run = (keys: string, ids: string[] = ['a', 'b', 'c'], s: ViewState = initialState()): ViewState => decodeKeys(keys).reduce((st: ViewState, k: Key) => reduce(st, k, ids), s);

test('sort keys switch the order; the same key again reverses it', () => {
  assert.equal(run('m').sortId, 'mem');
  assert.equal(run('m').reverse, false);
  assert.equal(run('mm').reverse, true);
  assert.equal(run('x').sortId, 'ctx');
  assert.equal(run('n').sortId, 'name');
  assert.equal(run('r').reverse, true);
});

test('q and Ctrl-C quit, but q while typing a filter is part of it', () => {
  assert.equal(run('q').quit, true);
  assert.equal(run('\x03').quit, true);
  const typing = run('/sq');
  assert.equal(typing.quit, false);
  assert.equal(typing.editing, 'sq');
  assert.equal(run('/sql\r').filter, 'sql');
  assert.equal(run('/sql\x7f\r').filter, 'sq');
  assert.equal(run('/sql\x1b').filter, '');
  assert.equal(run('/sql\x03').quit, true);
});

test('arrows move the selection within the rows shown, Enter opens the processes, Esc goes back', () => {
  assert.equal(run('\x1b[B').selectedId, 'a');
  assert.equal(run('\x1b[B\x1b[B\x1b[B\x1b[B').selectedId, 'c');
  assert.equal(run('\x1b[A').selectedId, 'c');
  assert.equal(run('\x1b[B\x1b[B\x1b[A').selectedId, 'a');
  assert.equal(run('\r').mode, 'list');
  const opened = run('\x1b[B\r');
  assert.equal(opened.mode, 'processes');
  assert.equal(run('\x1b', [], opened).mode, 'list');
  assert.equal(run('\x1b[B', [], opened).mode, 'processes');
  assert.equal(run('\x1b[B', []).selectedId, undefined);
  assert.equal(run('h').mode, 'help');
  assert.equal(run('h\x1b').mode, 'list');
});
