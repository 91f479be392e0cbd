import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/load.js';

/** The one-line messages of the ConfigError `fn` throws (fails the test when it throws none). */
export function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}
