import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitImageRef } from '../../src/discovery/image-ref.js';

test('splits name and tag', () => {
  assert.deepEqual(splitImageRef('redis:7.2'), { image: 'redis', tag: '7.2' });
  assert.deepEqual(splitImageRef('ghcr.io/org/app:v1.0.3'), { image: 'ghcr.io/org/app', tag: 'v1.0.3' });
  assert.deepEqual(splitImageRef('cgflux-test/busybox:latest'), { image: 'cgflux-test/busybox', tag: 'latest' });
});

test('a registry port is not a tag', () => {
  assert.deepEqual(splitImageRef('localhost:5000/app:1.2'), { image: 'localhost:5000/app', tag: '1.2' });
  assert.deepEqual(splitImageRef('localhost:5000/app'), { image: 'localhost:5000/app', tag: 'unknown' });
});

test('no tag, digest, image id and empty are unknown', () => {
  assert.deepEqual(splitImageRef('redis'), { image: 'redis', tag: 'unknown' });
  const digest = 'sha256:' + 'ab'.repeat(32);
  assert.deepEqual(splitImageRef(`redis@${digest}`), { image: 'redis', tag: 'unknown' });
  assert.deepEqual(splitImageRef(`localhost:5000/app:1.2@${digest}`), { image: 'localhost:5000/app', tag: 'unknown' });
  assert.deepEqual(splitImageRef(digest), { image: digest, tag: 'unknown' });
  assert.deepEqual(splitImageRef(''), { image: 'unknown', tag: 'unknown' });
});
