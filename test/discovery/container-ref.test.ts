import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findContainer } from '../../src/discovery/container-ref.js';
import { container } from '../sampler/collectors/fixture-context.js';

const web = { ...container('abcd1234'.repeat(8), 1), name: 'web' };
const db = { ...container('abce5678'.repeat(8), 2), name: 'db' };
const all = [web, db];

test('by name (with or without /), full id, short id or a unique prefix of 4+', () => {
  for (const ref of ['web', '/web', web.id, web.id.slice(0, 12), 'abcd', 'ABCD1']) {
    const r = findContainer(all, ref);
    assert.ok(r.ok && r.container === web, ref);
  }
});

test('a prefix of several ids, too short a prefix, or nothing: one sentence', () => {
  const several = findContainer(all, 'abc');
  assert.ok(!several.ok && /no container "abc"/.test(several.message), 'under 4 characters is not an id prefix');
  const ambiguous = findContainer([web, { ...db, id: 'abcd9999'.repeat(8) }], 'abcd');
  assert.ok(!ambiguous.ok && /start of 2 container ids \(web, db\)/.test(ambiguous.message));
  const none = findContainer(all, 'nope');
  assert.ok(!none.ok && !none.message.includes('\n') && /among the 2/.test(none.message));
  assert.ok(!findContainer(all, '').ok);
});
