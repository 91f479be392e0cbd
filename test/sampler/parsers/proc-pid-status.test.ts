import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVmRssBytes } from '../../../src/sampler/parsers/proc-pid-status.js';

test('VmRSS in bytes', () => {
  assert.equal(parseVmRssBytes('Name:\tx\nVmHWM:\t  900 kB\nVmRSS:\t    1024 kB\nRssAnon:\t 1 kB\n'), 1024n * 1024n);
});

test('no VmRSS (kernel thread, zombie) or a malformed one: undefined', () => {
  assert.equal(parseVmRssBytes('Name:\tkthreadd\nState:\tS\n'), undefined);
  assert.equal(parseVmRssBytes('Name:\tx\nVmRSS:\t12x kB\n'), undefined);
  assert.equal(parseVmRssBytes('Name:\tx\nVmRSS:\t12'), undefined);
});
